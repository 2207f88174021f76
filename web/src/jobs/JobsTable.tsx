/** Jobs, one a row: kind (a link to the job's page), status, progress, node, attempts, times. */
import { Link } from 'react-router';
import type { Job } from '../api/types';
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { ProgressBar } from '../components/ProgressBar';
import { StatusBadge } from '../components/StatusBadge';

export function JobsTable({ jobs, empty }: { jobs: Job[]; empty: string }) {
  return (
    <DataTable
      rows={jobs}
      rowKey={(job) => job.id}
      rowAttributes={(job) => ({ 'data-testid': 'job-row', 'data-id': job.id, 'data-status': job.status })}
      caption="Jobs"
      testId="jobs-table"
      empty={empty}
      emptyTestId="jobs-empty"
      columns={[
        {
          header: 'Job',
          cell: (job) => (
            <Link to={`/jobs/${job.id}`} data-testid="job-link">
              {job.kind} <span className="muted small">{job.id.slice(0, 8)}</span>
            </Link>
          ),
        },
        {
          header: 'Status',
          cell: (job) => (
            <>
              <StatusBadge status={job.status} testId="job-status" />
              {job.waitingReason && (
                <span className="muted small block" data-testid="job-waiting-reason">
                  {job.waitingReason}
                </span>
              )}
            </>
          ),
        },
        { header: 'Progress', className: 'progress-cell', cell: (job) => <ProgressBar value={job.progress} message={job.progressMessage} /> },
        { header: 'Node', cell: (job) => (job.node ? <span className="nowrap">{job.node.name}</span> : <span className="muted">—</span>) },
        { header: 'Attempts', className: 'number', cell: (job) => `${job.attempts}/${job.maxAttempts}` },
        { header: 'Created', cell: (job) => <DateTime value={job.createdAt} /> },
        { header: 'Finished', cell: (job) => <DateTime value={job.finishedAt} /> },
      ]}
    />
  );
}
