/** API keys: create one (its secret shown once), list the active ones, revoke. */
import { useState } from 'react';
import { API_KEYS } from '../api/account-operations';
import type { ApiKey } from '../api/types';
import { useListQuery } from '../api/use-list-query';
import { ListView } from '../components/ListView';
import { OneTimeSecret } from '../components/OneTimeSecret';
import { SecretBox } from '../components/SecretBox';
import { ApiKeysTable } from './ApiKeysTable';
import { CreateApiKeyForm } from './CreateApiKeyForm';

export function ApiKeysSection({ refresh }: { refresh: number }) {
  const list = useListQuery<ApiKey>(API_KEYS, 'apiKeys', refresh);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);

  return (
    <section className="card" aria-labelledby="api-keys-heading" data-testid="api-keys-section">
      <h2 id="api-keys-heading">API keys</h2>
      <p className="muted">Programs use an API key to call AI Mass on your behalf, with only the scopes you give it.</p>
      {created && (
        <OneTimeSecret testId="api-key-created" doneTestId="api-key-secret-done" onDone={() => setCreated(null)}>
          <SecretBox
            label={`Secret of the new key "${created.name}"`}
            value={created.secret}
            warning="Copy it now and keep it safe: it will not be shown again."
            testId="api-key-secret"
          />
        </OneTimeSecret>
      )}
      <CreateApiKeyForm
        onCreated={(apiKey, secret) => {
          setCreated({ name: apiKey.name, secret });
          list.reload();
        }}
      />
      <h3>Active keys</h3>
      <ListView list={list}>{(keys) => <ApiKeysTable keys={keys} onRevoked={list.hide} />}</ListView>
    </section>
  );
}
