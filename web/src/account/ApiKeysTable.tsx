/** The user's active API keys, each with a Revoke button. */
import { useState } from 'react';
import { REVOKE_API_KEY } from '../api/account-operations';
import { request } from '../api/graphql-client';
import { GraphQLRequestError } from '../api/graphql-request-error';
import type { ApiKey } from '../api/types';
import { DateTime } from '../components/DateTime';

export function ApiKeysTable({ keys, onRevoked }: { keys: ApiKey[]; onRevoked(id: string): void }) {
  const [revoking, setRevoking] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function revoke(key: ApiKey) {
    if (!window.confirm(`Revoke the API key "${key.name}" (${key.prefix}…)? Programs using it will stop working.`)) return;
    setRevoking(key.id);
    setError(null);
    try {
      await request(REVOKE_API_KEY, { id: key.id });
      onRevoked(key.id);
    } catch (e) {
      setError(GraphQLRequestError.from(e).message);
    } finally {
      setRevoking(null);
    }
  }

  return (
    <>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {keys.length === 0 ? (
        <p className="muted" data-testid="api-keys-empty">
          You have no active API keys.
        </p>
      ) : (
        <div className="table-wrap">
          <table data-testid="api-keys-table">
            <caption className="visually-hidden">Active API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id} data-testid="api-key-row" data-name={key.name}>
                  <td>{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>
                    <ul className="tags">
                      {key.scopes.map((scope) => (
                        <li key={scope}>
                          <code>{scope}</code>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <DateTime value={key.createdAt} />
                  </td>
                  <td>
                    <DateTime value={key.lastUsedAt} empty="never" />
                  </td>
                  <td>
                    <DateTime value={key.expiresAt} empty="never" />
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="button danger small"
                      disabled={revoking === key.id}
                      onClick={() => revoke(key)}
                      aria-label={`Revoke API key ${key.name}`}
                      data-testid="revoke-api-key"
                    >
                      {revoking === key.id ? 'Revoking…' : 'Revoke'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
