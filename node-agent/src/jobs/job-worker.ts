/**
 * Worker-thread entry: runs one job and reports to the agent's main thread. Keeping jobs off the
 * main thread means a long TF.js computation never delays heartbeats, and a job that ignores its
 * abort signal can still be stopped by terminating its worker.
 *
 * A worker starts without a job and waits for it ({start, data}), so the agent can start one
 * ahead of the job (a spare, job-runner.ts); a spare loads TF.js meanwhile and says {warm}. After
 * a job it can take another: {done} says whether the job left it clean (`reusable`: no tensor
 * left behind, a small wasm heap, fewer than MAX_JOBS run), and job-runner.ts keeps such a worker
 * as the spare.
 *
 * Messages to the parent: {progress}, {steps} (where the time went), then {done, result} or
 * {failed, error, permanent}; a serve job also sends {replica.ready}, {infer.answer} for each
 * request and {replica.load}. Messages from the parent: {start}, {abort}; for a serve job
 * {infer, request} and {drain}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { JobKind } from '../../../schema/job-kinds.js';
import { loadBestBackend, type LoadedBackend } from '../tf/load-backend.js';
import { warmUpTraining } from '../tf/warm-up.js';
import {
  PermanentJobError,
  type InferAnswer,
  type JobContext,
  type JobHandler,
  type ReplicaLoadSnapshot,
  type ServeRequest,
  type ServingPort,
} from './job-handler.js';
import { handlers } from './handlers.js';
import { TF_JOB_KINDS } from './tf-job-kinds.js';

export interface JobWorkerData {
  jobId: string;
  attempt: number;
  kind: string;
  /** Checked on the main thread (job-payload.ts), which sends `refused` instead when it fails. */
  payload: unknown;
  refused?: string;
  /** The hub's base URL and the job token, for the job's HTTP endpoints. */
  hubUrl: string;
  jobToken: string;
  /** Serve jobs: the agent's model file cache and the fault-rehearsal delay (config.ts). */
  serving?: { cacheDir: string; delayMs: number };
}

export type ToJobWorker =
  | { type: 'start'; data: JobWorkerData; startedAt: number }
  | { type: 'abort' } | { type: 'infer'; request: ServeRequest } | { type: 'drain' };

export type FromJobWorker =
  | { type: 'progress'; progress: number; message?: string; metrics?: Record<string, number> }
  | { type: 'steps'; steps: Record<string, number> }
  | { type: 'warm' }
  /** `reusable`: the worker may run another job (job-runner.ts recycles it as the spare). */
  | { type: 'done'; result: unknown; reusable: boolean }
  | { type: 'failed'; error: string; permanent: boolean }
  | { type: 'replica.ready'; warmupMs: number }
  | { type: 'infer.answer'; answer: InferAnswer }
  | { type: 'replica.load'; load: ReplicaLoadSnapshot };

const port = parentPort!;
/** The running job's: a worker recycled for another job gets a new one. */
let controller = new AbortController();
const post = (message: FromJobWorker) => port.postMessage(message);
let onRequest: ((request: ServeRequest) => void) | undefined;
let onDrain: (() => void) | undefined;
let started = false;
/** Jobs this worker has run. */
let jobsRun = 0;
/** Most jobs one worker runs (a bound on what one job could leave behind for the next). */
const MAX_JOBS = 20;
/** A wasm heap grown past this by a large job is not kept idle as the spare (it never shrinks). */
const MAX_KEPT_WASM_HEAP = 256 * 1024 * 1024;
/** TF.js, once a spare has loaded it (a worker started for its job loads it only if the job asks). */
let loadedTf: LoadedBackend['tf'] | undefined;
// A spare loads TF.js while it waits, since that is most of a TF.js job's start (a failure is not
// kept: the job's own ctx.tf() tries again and reports it), with the handlers of the TF.js job
// kinds (their modules and the payload schemas: 70–90 ms of a job's start when imported with the
// job) and fetch (Node loads its HTTP client on the first call), then runs a short training so V8
// has compiled TF.js's training code (warm-up.ts; it stops at its next yield once the job starts).
// A worker started for its job loads TF.js only if the job asks: an echo job never does.
if ((workerData as { spare?: boolean } | null)?.spare) {
  const ready = Promise.all([...TF_JOB_KINDS].map((kind) => handlers[kind as JobKind]().catch(() => undefined)));
  const fetchReady = fetch('data:,').then((response) => response.arrayBuffer()).catch(() => undefined);
  loadBestBackend()
    .then(async ({ tf }) => {
      loadedTf = tf;
      await Promise.all([ready, fetchReady]);
      await warmUpTraining(tf, () => started).catch(() => undefined); // the warm-up is a nicety: the spare is ready without it
    })
    .then(
      () => post({ type: 'warm' }),
      () => undefined,
    );
}

port.on('message', (message: ToJobWorker) => {
  if (message.type === 'start') {
    if (started) return;
    started = true;
    controller = new AbortController();
    const tensorsBefore = loadedTf?.memory().numTensors;
    run(message.data, message.startedAt).then(
      (result) => {
        jobsRun++;
        const reusable = message.data.kind !== 'serve' && tensorsBefore !== undefined && leftClean(tensorsBefore);
        // Ready for another job before the parent hears of this one's end.
        started = false;
        post({ type: 'done', result, reusable });
      },
      (error: unknown) => {
        post({ type: 'failed', error: String((error as Error)?.message ?? error).slice(0, 2000), permanent: error instanceof PermanentJobError });
      },
    );
  } else if (message.type === 'abort') controller.abort();
  else if (message.type === 'infer') {
    if (onRequest) onRequest(message.request);
    else {
      const { requestId } = message.request;
      post({ type: 'infer.answer', answer: { requestId, error: { code: 'UNAVAILABLE', message: 'the replica is not loaded' }, batchSize: 0, queueMs: 0, computeMs: 0 } });
    }
  } else if (message.type === 'drain') onDrain?.();
});

function servingPort(settings: NonNullable<JobWorkerData['serving']>): ServingPort {
  return {
    cacheDir: settings.cacheDir,
    delayMs: settings.delayMs,
    onRequest: (handler) => {
      onRequest = handler;
    },
    onDrain: (handler) => {
      onDrain = handler;
    },
    answer: (answer) => post({ type: 'infer.answer', answer }),
    ready: (warmupMs) => post({ type: 'replica.ready', warmupMs }),
    load: (load) => post({ type: 'replica.load', load }),
  };
}

/** `startedAt`: when the agent started the job (Date.now() on its main thread). */
async function run(data: JobWorkerData, startedAt: number): Promise<unknown> {
  if (data.refused !== undefined) throw new PermanentJobError(data.refused);
  const kind = data.kind as JobKind;
  const handler = (await handlers[kind]()) as JobHandler<JobKind>;
  // From the agent's job.assign to the handler: getting a worker ready, handing it the job and loading its handler.
  const handedOver = Date.now() - startedAt;
  const ctx: JobContext<JobKind> = {
    jobId: data.jobId,
    attempt: data.attempt,
    payload: data.payload as never,
    signal: controller.signal,
    progress: (progress, message, metrics) => post({ type: 'progress', progress: Math.min(1, Math.max(0, progress)), message, metrics }),
    tf: () => loadBestBackend(),
    steps: (steps) => post({ type: 'steps', steps: { 'worker start': handedOver, ...steps } }),
    hubFetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${data.jobToken}`);
      return fetch(`${data.hubUrl.replace(/\/+$/, '')}/api/jobs/${data.jobId}${path}`, { ...init, headers, signal: init.signal ?? controller.signal });
    },
    ...(kind === 'serve' && data.serving ? { serving: servingPort(data.serving) } : {}),
  };
  return handler(ctx);
}

/**
 * Whether the job left the worker as it found it, so it can run another: every tensor it made
 * freed, fewer than MAX_JOBS run, and the wasm heap (which never shrinks) not grown past
 * MAX_KEPT_WASM_HEAP.
 */
function leftClean(tensorsBefore: number): boolean {
  if (!loadedTf || jobsRun >= MAX_JOBS || loadedTf.memory().numTensors > tensorsBefore) return false;
  const heap = (loadedTf.backend() as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.byteLength ?? 0;
  return heap <= MAX_KEPT_WASM_HEAP;
}
