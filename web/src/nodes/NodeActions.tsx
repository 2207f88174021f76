/** The buttons on one of the user's own nodes: those its status allows, and Delete. */
import { DELETE_NODE, DISABLE_NODE, DRAIN_NODE, ENABLE_NODE } from '../api/compute-operations';
import type { Document } from '../api/document';
import { request } from '../api/graphql-client';
import type { ComputeNode, NodeStatus } from '../api/types';
import { RowActionButton } from '../components/RowActionButton';
import type { RowAction } from '../components/use-row-action';

/** The mutations that change a node's flags; each answers with the node (`<name>Node`). */
const FLAG_ACTIONS: { name: 'drain' | 'disable' | 'enable'; label: string; busyLabel: string; mutation: Document<Record<string, ComputeNode>, { id: string }>; allowed(status: NodeStatus): boolean }[] = [
  { name: 'drain', label: 'Drain', busyLabel: 'Draining…', mutation: DRAIN_NODE, allowed: (status) => status === 'ONLINE' },
  { name: 'disable', label: 'Disable', busyLabel: 'Disabling…', mutation: DISABLE_NODE, allowed: (status) => status !== 'DISABLED' },
  {
    name: 'enable',
    label: 'Enable',
    busyLabel: 'Enabling…',
    mutation: ENABLE_NODE,
    allowed: (status) => status === 'DISABLED' || status === 'DRAINING',
  },
];

export interface NodeActionsProps {
  node: ComputeNode;
  rowAction: RowAction;
  onChanged(node: ComputeNode): void;
  onDeleted(id: string): void;
}

export function NodeActions({ node, rowAction, onChanged, onDeleted }: NodeActionsProps) {
  return (
    <div className="row-actions">
      {FLAG_ACTIONS.filter((action) => action.allowed(node.status)).map((action) => (
        <RowActionButton
          key={action.name}
          rowAction={rowAction}
          row={node.id}
          name={action.name}
          label={action.label}
          busyLabel={action.busyLabel}
          action={async () => {
            const data = await request(action.mutation, { id: node.id });
            onChanged(data[`${action.name}Node`]);
          }}
          ariaLabel={`${action.label} node ${node.name}`}
          testId={`${action.name}-node`}
        />
      ))}
      <RowActionButton
        rowAction={rowAction}
        row={node.id}
        name="delete"
        label="Delete"
        busyLabel="Deleting…"
        confirm={`Delete the node "${node.name}"? Its token is revoked and its agent disconnected; the jobs it runs go back to the queue.`}
        action={() => request(DELETE_NODE, { id: node.id })}
        onDone={() => onDeleted(node.id)}
        danger
        ariaLabel={`Delete node ${node.name}`}
        testId="delete-node"
      />
    </div>
  );
}
