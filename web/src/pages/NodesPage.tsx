/**
 * Compute nodes: the user's own ("My nodes", with Drain, Disable, Enable, Delete and a form to
 * register one) and the whole network (with a status filter). Both update live. The view and the
 * filter live in the URL (`?view=network&status=ONLINE`), so they survive a reload and can be linked.
 */
import { useSearchParams } from 'react-router';
import { NODE_STATUSES } from '../api/types';
import { RegisterNode } from '../account/RegisterNode';
import { ErrorMessage } from '../components/ErrorMessage';
import { PagedListView } from '../components/ListView';
import { parseStatus, StatusFilter } from '../components/StatusFilter';
import { usePageTitle } from '../components/use-page-title';
import { useRowAction } from '../components/use-row-action';
import { NodesTable } from '../nodes/NodesTable';
import { TrustedNodes } from '../nodes/TrustedNodes';
import { useLiveNodes, type NodesView } from '../nodes/use-live-nodes';

type Tab = NodesView | 'trusted';

const TABS: { view: Tab; label: string }[] = [
  { view: 'mine', label: 'My nodes' },
  { view: 'network', label: 'Network' },
  { view: 'trusted', label: 'Trusted nodes' },
];

export function NodesPage() {
  usePageTitle('Nodes');
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('view') === 'network' ? 'network' : params.get('view') === 'trusted' ? 'trusted' : 'mine';
  const view: NodesView = tab === 'network' ? 'network' : 'mine';
  const status = view === 'network' ? parseStatus(NODE_STATUSES, params.get('status')) : null;
  const list = useLiveNodes(view, status);
  const rowAction = useRowAction();

  return (
    <div className="page">
      <div className="page-heading">
        <h1>Nodes</h1>
        <p className="muted">Machines that run the network&apos;s jobs. Their status, load and speed change here as they happen.</p>
      </div>
      <div role="tablist" aria-label="Which nodes" className="tabs">
        {TABS.map((t) => (
          <button
            key={t.view}
            type="button"
            role="tab"
            id={`nodes-tab-${t.view}`}
            aria-selected={t.view === tab}
            aria-controls="nodes-panel"
            className={t.view === tab ? 'tab selected' : 'tab'}
            onClick={() => setParams(t.view === 'mine' ? {} : { view: t.view })}
            data-testid={`nodes-tab-${t.view}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tab === 'trusted' ? (
        <section className="card tab-panel" role="tabpanel" id="nodes-panel" aria-labelledby="nodes-tab-trusted">
          <TrustedNodes />
        </section>
      ) : (
      <section className="card tab-panel" role="tabpanel" id="nodes-panel" aria-labelledby={`nodes-tab-${view}`}>
        {view === 'network' && (
          <div className="toolbar">
            <StatusFilter
              label="Status"
              statuses={NODE_STATUSES}
              value={status}
              onChange={(next) => setParams(next ? { view, status: next } : { view })}
              testId="nodes-status-filter"
            />
          </div>
        )}
        <ErrorMessage error={list.liveError && `Live updates stopped: ${list.liveError.message}`} />
        <ErrorMessage error={rowAction.error} testId="node-action-alert" />
        <PagedListView list={list}>
          {(nodes) => (
            <NodesTable
              nodes={nodes}
              showOwner={view === 'network'}
              actions={view === 'mine' ? { rowAction, onChanged: list.upsert, onDeleted: list.remove } : undefined}
              empty={
                view === 'mine'
                  ? 'You have no compute nodes yet. Register one below, then start its agent.'
                  : status
                    ? 'No node in the network has this status.'
                    : 'No node has joined the network yet.'
              }
            />
          )}
        </PagedListView>
      </section>
      )}
      {tab === 'mine' && (
        <section className="card" aria-label="Register a node">
          <RegisterNode />
        </section>
      )}
    </div>
  );
}
