/** The user's registered compute nodes (their tokens), whether each is connected now, with Revoke. */
import { REVOKE_NODE_TOKEN } from '../api/account-operations';
import { request } from '../api/graphql-client';
import type { NodeToken } from '../api/types';
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { ErrorMessage } from '../components/ErrorMessage';
import { RowActionButton } from '../components/RowActionButton';
import { useRowAction } from '../components/use-row-action';

export function NodeTokensTable({ nodes, onRevoked }: { nodes: NodeToken[]; onRevoked(id: string): void }) {
  const revoke = useRowAction();
  return (
    <>
      <ErrorMessage error={revoke.error} />
      <DataTable
        rows={nodes}
        rowKey={(node) => node.id}
        rowAttributes={(node) => ({ 'data-testid': 'node-row', 'data-name': node.name })}
        caption="Registered compute nodes"
        testId="nodes-table"
        empty="You have not registered any nodes."
        emptyTestId="nodes-empty"
        columns={[
          { header: 'Name', cell: (node) => node.name },
          { header: 'Prefix', cell: (node) => <code>{node.prefix}…</code> },
          { header: 'Created', cell: (node) => <DateTime value={node.createdAt} /> },
          { header: 'Last connected', cell: (node) => <DateTime value={node.lastConnectedAt} empty="never" /> },
          {
            header: 'Status',
            cell: (node) => (
              <span className={node.connected ? 'badge online' : 'badge offline'} data-testid="node-status">
                {node.connected ? 'Connected' : 'Offline'}
              </span>
            ),
          },
          {
            header: 'Actions',
            hideHeader: true,
            className: 'actions',
            cell: (node) => (
              <RowActionButton
                rowAction={revoke}
                row={node.id}
                name="revoke"
                label="Revoke"
                busyLabel="Revoking…"
                confirm={`Revoke the node "${node.name}" (${node.prefix}…)? If it is connected, it is disconnected.`}
                action={() => request(REVOKE_NODE_TOKEN, { id: node.id })}
                onDone={() => onRevoked(node.id)}
                danger
                ariaLabel={`Revoke node ${node.name}`}
                testId="revoke-node"
              />
            ),
          },
        ]}
      />
    </>
  );
}
