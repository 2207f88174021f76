/**
 * What a job kind's agent-side handler is given and must return. Handlers run inside a worker
 * thread (see run-job-worker.ts), one per job, so a long TF.js computation never blocks the
 * agent's heartbeats and cancelling a job can always stop it.
 */
import type { JobKind, JobPayload, JobResult } from '../../../schema/index.js';
import type { LoadedTf } from '../tf/load-backend.js';

export interface JobContext<K extends JobKind> {
  jobId: string;
  attempt: number;
  /** Already validated against the kind's payload schema (schema/job-kinds.ts). */
  payload: JobPayload<K>;
  /** Aborted when the hub cancels the job or the agent gives it back. */
  signal: AbortSignal;
  /** Reports progress (0–1) to the hub; cheap, may be called often (the agent throttles). */
  progress(progress: number, message?: string, metrics?: Record<string, number>): void;
  /** TF.js with the best backend this machine has, loaded on first call. */
  tf(): Promise<LoadedTf>;
  /**
   * The job's own HTTP endpoints on the hub (`/api/jobs/<jobId><path>`), authenticated with the
   * job token from job.assign: large inputs and outputs travel there, not over the socket. The
   * token holds only while the job's lease does.
   */
  hubFetch(path: string, init?: RequestInit): Promise<Response>;
}

export type JobHandler<K extends JobKind> = (ctx: JobContext<K>) => Promise<JobResult<K>>;

/** An error that running the job again cannot fix (bad input): the hub fails the job at once. */
export class PermanentJobError extends Error {}
