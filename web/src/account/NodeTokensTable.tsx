/** The user's registered compute nodes, whether each is connected now, with Revoke. */
import { useState } from 'react';
import { REVOKE_NODE_TOKEN } from '../api/account-operations';
import { request } from '../api/graphql-client';
import { GraphQLRequestError } from '../api/graphql-request-error';
import type { NodeToken } from '../api/types';
import { DateTime } from '../components/DateTime';

export function NodesTable({ nodes, onRevoked }: { nodes: NodeToken[]; onRevoked(id: string): void }) {
  const [revoking, setRevoking] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function revoke(node: NodeToken) {
    if (!window.confirm(`Revoke the node "${node.name}" (${node.prefix}…)? If it is connected, it is disconnected.`)) return;
    setRevoking(node.id);
    setError(null);
    try {
      await request(REVOKE_NODE_TOKEN, { id: node.id });
      onRevoked(node.id);
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
      {nodes.length === 0 ? (
        <p className="muted" data-testid="nodes-empty">
          You have not registered any nodes.
        </p>
      ) : (
        <div className="table-wrap">
          <table data-testid="nodes-table">
            <caption className="visually-hidden">Registered compute nodes</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Created</th>
                <th scope="col">Last connected</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((node) => (
                <tr key={node.id} data-testid="node-row" data-name={node.name}>
                  <td>{node.name}</td>
                  <td>
                    <code>{node.prefix}…</code>
                  </td>
                  <td>
                    <DateTime value={node.createdAt} />
                  </td>
                  <td>
                    <DateTime value={node.lastConnectedAt} empty="never" />
                  </td>
                  <td>
                    <span className={node.connected ? 'badge online' : 'badge offline'} data-testid="node-status">
                      {node.connected ? 'Connected' : 'Offline'}
                    </span>
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="button danger small"
                      disabled={revoking === node.id}
                      onClick={() => revoke(node)}
                      aria-label={`Revoke node ${node.name}`}
                      data-testid="revoke-node"
                    >
                      {revoking === node.id ? 'Revoking…' : 'Revoke'}
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
