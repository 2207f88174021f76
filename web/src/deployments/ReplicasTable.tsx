/** A deployment's replicas: where each runs, its state, which version it serves and its live load. */
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { formatNumber } from '../components/format';
import { StatusBadge } from '../components/StatusBadge';
import type { Replica } from './types';

export function ReplicasTable({ replicas }: { replicas: readonly Replica[] }) {
  return (
    <DataTable
      rows={replicas}
      rowKey={(replica) => replica.id}
      rowAttributes={(replica) => ({ 'data-testid': 'replica-row', 'data-state': replica.state, 'data-node': replica.nodeName ?? '' })}
      caption="Replicas"
      testId="replicas"
      empty="No replica yet: the scheduler places them on nodes that meet the requirements."
      emptyTestId="no-replicas"
      columns={[
        { header: 'Node', cell: (replica) => replica.nodeName ?? <span className="muted">being placed</span> },
        { header: 'State', cell: (replica) => <StatusBadge status={replica.state} testId="replica-state" /> },
        { header: 'Version', cell: (replica) => replica.versionNumber },
        { header: 'In flight', cell: (replica) => replica.inFlight },
        { header: 'Queued', cell: (replica) => replica.queued },
        { header: 'Latency', cell: (replica) => (replica.latencyMs == null ? <span className="muted">–</span> : `${formatNumber(replica.latencyMs)} ms`) },
        { header: 'Ready since', cell: (replica) => <DateTime value={replica.readyAt} empty="not yet" /> },
      ]}
    />
  );
}
