/**
 * One job in full, live through `jobUpdated`: status and progress, what it was asked (payload,
 * requirements) and gave (result, metrics, error), every attempt, and Cancel while it can be.
 */
import { Link, useParams } from 'react-router';
import { CANCEL_JOB } from '../api/compute-operations';
import { request } from '../api/graphql-client';
import type { JobDetail } from '../api/types';
import { DateTime } from '../components/DateTime';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatDuration } from '../components/format';
import { JsonBlock } from '../components/JsonBlock';
import { ProgressBar } from '../components/ProgressBar';
import { StatusBadge } from '../components/StatusBadge';
import { usePageTitle } from '../components/use-page-title';
import { useRowAction } from '../components/use-row-action';
import { isActive } from '../jobs/job-state';
import { JobHistoryTable } from '../jobs/JobHistoryTable';
import { useLiveJob } from '../jobs/use-live-job';

export function JobPage() {
  const { id = '' } = useParams();
  const { job, error, liveError, accept } = useLiveJob(id);
  usePageTitle(job ? `${job.kind} job` : 'Job');

  return (
    <div className="page">
      <p>
        <Link to="/jobs">← All jobs</Link>
      </p>
      {job ? (
        <JobDetails job={job} liveError={liveError?.message} onChanged={accept} />
      ) : error ? (
        <>
          <h1>Job</h1>
          <ErrorMessage error={error.code === 'NOT_FOUND' ? 'There is no job with this id that you can see.' : error} />
        </>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </div>
  );
}

function JobDetails({ job, liveError, onChanged }: { job: JobDetail; liveError?: string; onChanged(job: JobDetail): void }) {
  const cancel = useRowAction();
  return (
    <>
      <div className="page-heading job-heading">
        <h1>
          {job.kind} job <StatusBadge status={job.status} testId="job-status" />
        </h1>
        {isActive(job.status) && (
          <button
            type="button"
            className="button danger"
            disabled={cancel.pending !== null}
            onClick={() =>
              cancel.run(job.id, 'cancel', async () => onChanged((await request(CANCEL_JOB, { id: job.id })).cancelJob))
            }
            data-testid="cancel-job"
          >
            {cancel.pending ? 'Canceling…' : 'Cancel job'}
          </button>
        )}
      </div>
      <p className="muted">
        <code>{job.id}</code>
        {job.owner && <> · by {job.owner.username}</>} · created <DateTime value={job.createdAt} />
      </p>
      <ErrorMessage error={cancel.error} testId="job-alert" />
      <ErrorMessage error={liveError && `Live updates stopped: ${liveError}`} />

      <section className="card" aria-label="Progress">
        <ProgressBar value={job.progress} message={job.progressMessage} testId="job-progress" />
        <dl className="facts">
          <dt>Node</dt>
          <dd data-testid="job-node">
            {job.node?.name ?? <span className="muted">none yet</span>}
            {job.waitingReason && (
              <span className="muted small block" data-testid="job-waiting-reason">
                {job.waitingReason}
              </span>
            )}
          </dd>
          <dt>Runs on</dt>
          <dd data-testid="job-placement">{job.placement}</dd>
          <dt>Attempts</dt>
          <dd>
            {job.attempts} of at most {job.maxAttempts}
            {job.failures > 0 && <span className="muted"> ({job.failures} failed or lost)</span>}
          </dd>
          <dt>Priority</dt>
          <dd>{job.priority}</dd>
          <dt>Started</dt>
          <dd>
            <DateTime value={job.startedAt} empty="not yet" seconds />
          </dd>
          <dt>Finished</dt>
          <dd>
            <DateTime value={job.finishedAt} empty="not yet" seconds />
            {job.startedAt && job.finishedAt && (
              <span className="muted"> (after {formatDuration(Date.parse(job.finishedAt) - Date.parse(job.startedAt))})</span>
            )}
          </dd>
          {job.leaseExpiresAt && (
            <>
              <dt>Lease until</dt>
              <dd>
                <DateTime value={job.leaseExpiresAt} seconds />
              </dd>
            </>
          )}
        </dl>
        {job.error && (
          <div className="job-error" data-testid="job-error">
            <h2>Error</h2>
            <pre>{job.error}</pre>
          </div>
        )}
      </section>

      <div className="json-grid">
        <section className="card" aria-labelledby="payload-heading">
          <h2 id="payload-heading">Payload</h2>
          <JsonBlock value={job.payload} testId="job-payload" />
        </section>
        <section className="card" aria-labelledby="result-heading">
          <h2 id="result-heading">Result</h2>
          <JsonBlock value={job.result} empty={isActive(job.status) ? 'not yet' : 'none'} testId="job-result" />
        </section>
        <section className="card" aria-labelledby="requirements-heading">
          <h2 id="requirements-heading">Requirements</h2>
          <JsonBlock value={isEmptyObject(job.requirements) ? null : job.requirements} empty="Any node may run it." testId="job-requirements" />
        </section>
        {job.metrics != null && (
          <section className="card" aria-labelledby="metrics-heading">
            <h2 id="metrics-heading">Metrics</h2>
            <JsonBlock value={job.metrics} testId="job-metrics" />
          </section>
        )}
      </div>

      <section className="card" aria-labelledby="history-heading">
        <h2 id="history-heading">Attempts</h2>
        <JobHistoryTable history={job.history} />
      </section>
    </>
  );
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}
