/** Every hand-out of a job to a node, oldest first: where it ran and how it ended. */
import type { JobAttempt } from '../api/types';
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { StatusBadge } from '../components/StatusBadge';

export function JobHistoryTable({ history }: { history: JobAttempt[] }) {
  return (
    <DataTable
      rows={history}
      rowKey={(attempt) => String(attempt.attempt)}
      rowAttributes={(attempt) => ({ 'data-testid': 'job-attempt-row', 'data-outcome': attempt.outcome })}
      caption="Attempts"
      testId="job-history"
      empty="No node has taken this job yet."
      emptyTestId="job-history-empty"
      columns={[
        { header: 'Attempt', className: 'number', cell: (attempt) => attempt.attempt },
        { header: 'Node', cell: (attempt) => attempt.nodeName ?? <span className="muted">{attempt.nodeId ?? '—'}</span> },
        { header: 'Started', cell: (attempt) => <DateTime value={attempt.startedAt} seconds /> },
        { header: 'Ended', cell: (attempt) => <DateTime value={attempt.endedAt} seconds /> },
        { header: 'Outcome', cell: (attempt) => <StatusBadge status={attempt.outcome.toUpperCase()} /> },
        { header: 'Reason', cell: (attempt) => attempt.reason ?? <span className="muted">—</span> },
      ]}
    />
  );
}
