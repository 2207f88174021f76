/** API keys: create one (its secret shown once), list the active ones, revoke. */
import { useState } from 'react';
import { API_KEYS } from '../api/account-operations';
import type { ApiKey, Connection } from '../api/types';
import { useQuery } from '../api/use-query';
import { SecretBox } from '../components/SecretBox';
import { ApiKeysTable } from './ApiKeysTable';
import { CreateApiKeyForm } from './CreateApiKeyForm';

export function ApiKeysSection({ refresh }: { refresh: number }) {
  const { data, error, loading, reload } = useQuery<{ apiKeys: Connection<ApiKey> }>(API_KEYS, undefined, refresh);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  // Revoked here: hidden at once, before the list is reloaded.
  const [revoked, setRevoked] = useState<ReadonlySet<string>>(() => new Set());
  const keys = (data?.apiKeys.edges.map((edge) => edge.node) ?? []).filter((key) => !revoked.has(key.id));

  return (
    <section className="card" aria-labelledby="api-keys-heading" data-testid="api-keys-section">
      <h2 id="api-keys-heading">API keys</h2>
      <p className="muted">Programs use an API key to call AI Mass on your behalf, with only the scopes you give it.</p>
      {created && (
        <div className="created" data-testid="api-key-created">
          <SecretBox
            label={`Secret of the new key "${created.name}"`}
            value={created.secret}
            warning="Copy it now and keep it safe: it will not be shown again."
            testId="api-key-secret"
          />
          <button type="button" className="button secondary small" onClick={() => setCreated(null)} data-testid="api-key-secret-done">
            I have stored it
          </button>
        </div>
      )}
      <CreateApiKeyForm
        onCreated={(apiKey, secret) => {
          setCreated({ name: apiKey.name, secret });
          reload();
        }}
      />
      <h3>Active keys</h3>
      {error && (
        <p className="alert" role="alert">
          {error.message}
        </p>
      )}
      {data ? (
        <>
          <ApiKeysTable
            keys={keys}
            onRevoked={(id) => {
              setRevoked((set) => new Set(set).add(id));
              reload();
            }}
          />
          {data.apiKeys.totalCount > data.apiKeys.edges.length && (
            <p className="muted">
              Showing the newest {data.apiKeys.edges.length} of {data.apiKeys.totalCount}.
            </p>
          )}
        </>
      ) : (
        loading && <p className="muted">Loading…</p>
      )}
    </section>
  );
}
