/**
 * Worker-thread entry: runs one job and reports to the agent's main thread. Keeping jobs off the
 * main thread means a long TF.js computation never delays heartbeats, and a job that ignores its
 * abort signal can still be stopped by terminating its worker.
 *
 * Messages to the parent: {progress}, then {done, result} or {failed, error, permanent}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { JOB_KINDS, isJobKind, type JobKind } from '../../../schema/index.js';
import { loadBestBackend } from '../tf/load-backend.js';
import { PermanentJobError, type JobContext, type JobHandler } from './job-handler.js';
import { handlers } from './handlers.js';

export interface JobWorkerData {
  jobId: string;
  attempt: number;
  kind: string;
  payload: unknown;
  /** The hub's base URL and the job token, for the job's HTTP endpoints. */
  hubUrl: string;
  jobToken: string;
}

export type FromJobWorker =
  | { type: 'progress'; progress: number; message?: string; metrics?: Record<string, number> }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; error: string; permanent: boolean };

const port = parentPort!;
const data = workerData as JobWorkerData;
const controller = new AbortController();
port.on('message', (message: { type: 'abort' }) => {
  if (message.type === 'abort') controller.abort();
});
const post = (message: FromJobWorker) => port.postMessage(message);

async function run(): Promise<void> {
  if (!isJobKind(data.kind)) throw new PermanentJobError(`this agent does not know job kind "${data.kind}"`);
  const kind: JobKind = data.kind;
  const parsed = JOB_KINDS[kind].payload.safeParse(data.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PermanentJobError(`invalid payload: ${issue.path.join('.') || 'payload'}: ${issue.message}`);
  }
  const ctx: JobContext<JobKind> = {
    jobId: data.jobId,
    attempt: data.attempt,
    payload: parsed.data as never,
    signal: controller.signal,
    progress: (progress, message, metrics) => post({ type: 'progress', progress: Math.min(1, Math.max(0, progress)), message, metrics }),
    tf: () => loadBestBackend(),
    hubFetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${data.jobToken}`);
      return fetch(`${data.hubUrl.replace(/\/+$/, '')}/api/jobs/${data.jobId}${path}`, { ...init, headers, signal: init.signal ?? controller.signal });
    },
  };
  const result = await (handlers[kind] as JobHandler<JobKind>)(ctx);
  post({ type: 'done', result });
}

run().catch((error: unknown) => {
  post({ type: 'failed', error: String((error as Error)?.message ?? error).slice(0, 2000), permanent: error instanceof PermanentJobError });
});
