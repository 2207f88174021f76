/** The user's active API keys, each with a Revoke button. */
import { REVOKE_API_KEY } from '../api/account-operations';
import { request } from '../api/graphql-client';
import type { ApiKey } from '../api/types';
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { ErrorMessage } from '../components/ErrorMessage';
import { RowActionButton } from '../components/RowActionButton';
import { useRowAction } from '../components/use-row-action';

export function ApiKeysTable({ keys, onRevoked }: { keys: ApiKey[]; onRevoked(id: string): void }) {
  const revoke = useRowAction();
  return (
    <>
      <ErrorMessage error={revoke.error} />
      <DataTable
        rows={keys}
        rowKey={(key) => key.id}
        rowAttributes={(key) => ({ 'data-testid': 'api-key-row', 'data-name': key.name })}
        caption="Active API keys"
        testId="api-keys-table"
        empty="You have no active API keys."
        emptyTestId="api-keys-empty"
        columns={[
          { header: 'Name', cell: (key) => key.name },
          { header: 'Prefix', cell: (key) => <code>{key.prefix}…</code> },
          {
            header: 'Scopes',
            cell: (key) => (
              <ul className="tags">
                {key.scopes.map((scope) => (
                  <li key={scope}>
                    <code>{scope}</code>
                  </li>
                ))}
              </ul>
            ),
          },
          { header: 'Created', cell: (key) => <DateTime value={key.createdAt} /> },
          { header: 'Last used', cell: (key) => <DateTime value={key.lastUsedAt} empty="never" /> },
          { header: 'Expires', cell: (key) => <DateTime value={key.expiresAt} empty="never" /> },
          {
            header: 'Actions',
            hideHeader: true,
            className: 'actions',
            cell: (key) => (
              <RowActionButton
                rowAction={revoke}
                row={key.id}
                name="revoke"
                label="Revoke"
                busyLabel="Revoking…"
                confirm={`Revoke the API key "${key.name}" (${key.prefix}…)? Programs using it will stop working.`}
                action={() => request(REVOKE_API_KEY, { id: key.id })}
                onDone={() => onRevoked(key.id)}
                danger
                ariaLabel={`Revoke API key ${key.name}`}
                testId="revoke-api-key"
              />
            ),
          },
        ]}
      />
    </>
  );
}
