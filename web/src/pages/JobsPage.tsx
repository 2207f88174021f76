/**
 * The user's jobs (and their organizations'), newest first, with a status filter (in the URL:
 * `?status=RUNNING`) and "Load more"; active rows move live. Beside them, a form to run a job.
 */
import { useNavigate, useSearchParams } from 'react-router';
import { JOBS } from '../api/compute-operations';
import { JOB_STATUSES, type Job } from '../api/types';
import { usePagedQuery } from '../api/use-paged-query';
import { PagedListView } from '../components/ListView';
import { parseStatus, StatusFilter } from '../components/StatusFilter';
import { usePageTitle } from '../components/use-page-title';
import { isNewerJob } from '../jobs/job-state';
import { JobsTable } from '../jobs/JobsTable';
import { RunJobForm } from '../jobs/RunJobForm';
import { useLiveJobRows } from '../jobs/use-live-job-rows';

export function JobsPage() {
  usePageTitle('Jobs');
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const status = parseStatus(JOB_STATUSES, params.get('status'));
  const list = usePagedQuery<Job>(JOBS, 'jobs', { filter: status ? { status } : null }, 20, isNewerJob);
  const { upsert } = list;
  useLiveJobRows(list.items, (job) => upsert(job, status === null || job.status === status));

  return (
    <div className="page">
      <div className="page-heading">
        <h1>Jobs</h1>
        <p className="muted">Work you asked the network to do, and where and how it ran.</p>
      </div>
      <div className="page-grid">
        <section className="card" aria-labelledby="jobs-heading">
          <div className="toolbar">
            <h2 id="jobs-heading">Your jobs</h2>
            <StatusFilter
              label="Status"
              statuses={JOB_STATUSES}
              value={status}
              onChange={(next) => setParams(next ? { status: next } : {})}
              testId="jobs-status-filter"
            />
          </div>
          <PagedListView list={list}>
            {(jobs) => <JobsTable jobs={jobs} empty={status ? 'You have no jobs with this status.' : 'You have not run any jobs yet.'} />}
          </PagedListView>
        </section>
        <aside className="card">
          <RunJobForm onSubmitted={(id) => navigate(`/jobs/${id}`)} />
        </aside>
      </div>
    </div>
  );
}
