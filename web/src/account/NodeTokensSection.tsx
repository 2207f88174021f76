/** Compute nodes on the Account page: register one (its token shown once), list their tokens, revoke. */
import { Link } from 'react-router';
import { NODE_TOKENS } from '../api/account-operations';
import type { NodeToken } from '../api/types';
import { useListQuery } from '../api/use-list-query';
import { ListView } from '../components/ListView';
import { NodeTokensTable } from './NodeTokensTable';
import { RegisterNode } from './RegisterNode';

export function NodeTokensSection({ refresh }: { refresh: number }) {
  const list = useListQuery<NodeToken>(NODE_TOKENS, 'nodeTokens', refresh);

  return (
    <section className="card" aria-labelledby="nodes-heading" data-testid="nodes-section">
      <h2 id="nodes-heading">Compute nodes</h2>
      <p className="muted">
        Contribute a machine: register it here, then run the agent on it with the node&apos;s token. The agent connects
        out to this hub, so it works behind NAT. See what your nodes run on the <Link to="/nodes">Nodes</Link> page.
      </p>
      <RegisterNode onRegistered={list.reload} />
      <h3>Your nodes</h3>
      <ListView list={list}>{(nodes) => <NodeTokensTable nodes={nodes} onRevoked={list.hide} />}</ListView>
    </section>
  );
}
