/** Compute nodes: register one (its token and start command shown once), list, revoke. */
import { useState } from 'react';
import { NODE_TOKENS } from '../api/account-operations';
import type { Connection, NodeToken } from '../api/types';
import { useQuery } from '../api/use-query';
import { SecretBox } from '../components/SecretBox';
import { agentCommand } from './agent-command';
import { NodesTable } from './NodesTable';
import { RegisterNodeForm } from './RegisterNodeForm';

export function NodesSection({ refresh }: { refresh: number }) {
  const { data, error, loading, reload } = useQuery<{ nodeTokens: Connection<NodeToken> }>(NODE_TOKENS, undefined, refresh);
  const [registered, setRegistered] = useState<{ name: string; token: string } | null>(null);
  const [revoked, setRevoked] = useState<ReadonlySet<string>>(() => new Set());
  const nodes = (data?.nodeTokens.edges.map((edge) => edge.node) ?? []).filter((node) => !revoked.has(node.id));

  return (
    <section className="card" aria-labelledby="nodes-heading" data-testid="nodes-section">
      <h2 id="nodes-heading">Compute nodes</h2>
      <p className="muted">
        Contribute a machine: register it here, then run the agent on it with the node&apos;s token. The agent connects
        out to this hub, so it works behind NAT.
      </p>
      {registered && (
        <div className="created" data-testid="node-registered">
          <SecretBox
            label={`Token of the node "${registered.name}"`}
            value={registered.token}
            warning="Copy it now: it will not be shown again. Anyone with it can act as this node."
            testId="node-token"
          />
          <SecretBox label="Start the agent on that machine with" value={agentCommand(registered.token)} testId="agent-command" />
          <button type="button" className="button secondary small" onClick={() => setRegistered(null)} data-testid="node-token-done">
            I have stored it
          </button>
        </div>
      )}
      <RegisterNodeForm
        onRegistered={(node, token) => {
          setRegistered({ name: node.name, token });
          reload();
        }}
      />
      <h3>Your nodes</h3>
      {error && (
        <p className="alert" role="alert">
          {error.message}
        </p>
      )}
      {data ? (
        <>
          <NodesTable
            nodes={nodes}
            onRevoked={(id) => {
              setRevoked((set) => new Set(set).add(id));
              reload();
            }}
          />
          {data.nodeTokens.totalCount > data.nodeTokens.edges.length && (
            <p className="muted">
              Showing the newest {data.nodeTokens.edges.length} of {data.nodeTokens.totalCount}.
            </p>
          )}
        </>
      ) : (
        loading && <p className="muted">Loading…</p>
      )}
    </section>
  );
}
