/**
 * Runs one job in its own worker thread and turns its messages into callbacks. `abort()` asks the
 * job to stop and terminates the worker if it has not ended within the grace period.
 *
 * A worker is given its job in a message (`start`), so one can be started ahead of its job:
 * `prepareSpareWorker()` starts a spare that loads TF.js while it waits, and the next TF.js job
 * (tf-job-kinds.ts) takes it rather than waiting for a thread and TF.js (seconds on a busy
 * machine). Any other job gets a fresh worker: on a spare still loading TF.js it would wait for
 * that load (an echo job of 2.5 s took 5.1 s on the loaded machine), and a warm spare is kept for
 * the job that needs it.
 *
 * A TF.js job's worker that ended its job cleanly (it says so: every tensor freed, its wasm heap
 * small, fewer than 20 jobs run) is taken back as the spare when none waits, so the next TF.js job
 * trains on a thread whose TF.js code V8 has compiled over whole trainings. Any other end — a
 * failure, an abort, a crash, a serve job — ends the worker with its job.
 */
import { Worker } from 'node:worker_threads';
import type { InferAnswer, ReplicaLoadSnapshot, ServeRequest } from './job-handler.js';
import { checkJobPayload } from './job-payload.js';
import { TF_JOB_KINDS } from './tf-job-kinds.js';
import type { FromJobWorker, JobWorkerData, ToJobWorker } from './job-worker.js';

export interface JobRunnerEvents {
  progress(progress: number, message?: string, metrics?: Record<string, number>): void;
  /** Where the job's time went (JobContext.steps). */
  steps?(steps: Record<string, number>): void;
  /** Serve jobs: the replica is loaded and warm. */
  ready?(warmupMs: number): void;
  /** Serve jobs: the answer to one request given to infer(). */
  answer?(answer: InferAnswer): void;
  /** Serve jobs: the replica's load changed. */
  load?(load: ReplicaLoadSnapshot): void;
}

const WORKER_URL = new URL('./job-worker.js', import.meta.url);

/**
 * A job worker's young generation: 192 MB (V8's semi-spaces of 64 MB, as the hub runs with
 * --max-semi-space-size=64). TF.js makes short-lived objects for every op of every batch; with
 * Node's default (16 MB semi-spaces) a 10,000-row, 5-epoch fit spent about 10 % of its time in
 * garbage collection (0.1 s), with this about 5 %, and its objects die young instead of being
 * promoted. V8 grows the young generation up to this only as the job's allocation asks.
 */
export const JOB_WORKER_YOUNG_GENERATION_MB = 192;

function jobWorker(workerData?: { spare: true }): Worker {
  return new Worker(WORKER_URL, { ...(workerData ? { workerData } : {}), resourceLimits: { maxYoungGenerationSizeMb: JOB_WORKER_YOUNG_GENERATION_MB } });
}

/** A worker waiting for a TF.js job, what became of it while it waited, and how many jobs it ran before. */
let spare: { worker: Worker; dead: boolean; jobsRun: number } | undefined;
/** Whether the agent keeps a spare now (prepareSpareWorker called, dropSpareWorker not since), and what to call when one is ready. */
let keeping: { ready?: () => void } | undefined;

/** Holds `worker` as the spare; it does not keep the process alive. */
function holdAsSpare(worker: Worker, jobsRun: number): { worker: Worker; dead: boolean; jobsRun: number } {
  const held = { worker, dead: false, jobsRun };
  const die = () => {
    held.dead = true;
    if (spare === held) spare = undefined;
  };
  worker.once('error', die);
  worker.once('exit', die);
  worker.unref();
  spare = held;
  return held;
}

/**
 * Starts a spare worker unless one is waiting. `warm` is called once its TF.js is loaded, if it is
 * still the spare then, and whenever a worker is taken back as the spare after its job.
 */
export function prepareSpareWorker(warm?: () => void): boolean {
  keeping = { ready: warm };
  if (spare && !spare.dead) return false;
  const held = holdAsSpare(jobWorker({ spare: true }), 0);
  held.worker.on('message', (message: FromJobWorker) => {
    if (message.type === 'warm' && spare === held) warm?.();
  });
  return true;
}

/** Ends the spare worker, loading or not, and keeps none until asked again (the agent is draining or stopping). */
export async function dropSpareWorker(): Promise<void> {
  keeping = undefined;
  const held = spare;
  spare = undefined;
  if (held) await held.worker.terminate();
}

/**
 * Takes back the worker of a TF.js job that ended cleanly (job-worker.ts says whether it left
 * anything behind) as the spare, if the agent keeps one and none waits: the next job finds TF.js
 * loaded and its code compiled by V8 as warm as after many trainings, not only after the spare's
 * short warm-up. Answers whether it was taken.
 */
function recycle(worker: Worker, jobsRun: number): boolean {
  if (!keeping || (spare && !spare.dead)) return false;
  dropListeners(worker);
  holdAsSpare(worker, jobsRun);
  keeping.ready?.();
  return true;
}

/** The listeners we added: not all (Node's Worker listens to its own events to deliver messages). */
function dropListeners(worker: Worker): void {
  for (const event of ['error', 'exit', 'message']) worker.removeAllListeners(event);
}

/** For a TF.js job the spare worker if one is alive, else (and for any other job) a new one. */
function takeWorker(kind: string): { worker: Worker; spare: boolean; jobsRun: number } {
  if (!TF_JOB_KINDS.has(kind)) return { worker: jobWorker(), spare: false, jobsRun: 0 };
  const held = spare;
  spare = undefined;
  if (held && !held.dead) {
    dropListeners(held.worker);
    held.worker.ref();
    return { worker: held.worker, spare: true, jobsRun: held.jobsRun };
  }
  return { worker: jobWorker(), spare: false, jobsRun: 0 };
}

export type JobOutcome = { ok: true; result: unknown } | { ok: false; error: string; permanent: boolean } | { ok: false; aborted: true };

export class JobRunner {
  private readonly worker: Worker;
  /** The job runs on the spare worker (started ahead of it), not on one started for it. */
  readonly onSpare: boolean;
  /** Jobs its worker ran before this one (a spare taken back after its job has run some). */
  readonly jobsBefore: number;
  private aborted = false;
  /** The job has ended: its worker is ended or is the spare now, and is not this runner's to touch. */
  private ended = false;
  readonly outcome: Promise<JobOutcome>;

  constructor(data: JobWorkerData, events: JobRunnerEvents) {
    ({ worker: this.worker, spare: this.onSpare, jobsRun: this.jobsBefore } = takeWorker(data.kind));
    this.outcome = new Promise<JobOutcome>((resolve) => {
      const settle = (outcome: JobOutcome, reusable = false) => {
        if (this.ended) return;
        this.ended = true;
        resolve(this.aborted ? { ok: false, aborted: true } : outcome);
        const kept = reusable && !this.aborted && TF_JOB_KINDS.has(data.kind) && recycle(this.worker, this.jobsBefore + 1);
        if (!kept) void this.worker.terminate();
      };
      this.worker.on('message', (message: FromJobWorker) => {
        if (message.type === 'progress') {
          if (!this.aborted) events.progress(message.progress, message.message, message.metrics);
        } else if (message.type === 'warm') {
          // a spare's TF.js finished loading: nothing to tell
        } else if (message.type === 'steps') {
          if (!this.aborted) events.steps?.(message.steps);
        } else if (message.type === 'replica.ready') {
          if (!this.aborted) events.ready?.(message.warmupMs);
        } else if (message.type === 'infer.answer') {
          if (!this.aborted) events.answer?.(message.answer);
        } else if (message.type === 'replica.load') {
          if (!this.aborted) events.load?.(message.load);
        } else if (message.type === 'done') settle({ ok: true, result: message.result }, message.reusable);
        else settle({ ok: false, error: message.error, permanent: message.permanent });
      });
      this.worker.on('error', (error) => settle({ ok: false, error: `job crashed: ${error.message}`, permanent: false }));
      this.worker.on('exit', (code) => settle({ ok: false, error: `job worker exited with code ${code}`, permanent: false }));
    });
    const startedAt = Date.now();
    const checked = checkJobPayload(data.kind, data.payload);
    this.tell({ type: 'start', data: checked.ok ? { ...data, payload: checked.payload } : { ...data, refused: checked.error }, startedAt });
  }

  private tell(message: ToJobWorker): void {
    if (!this.ended) this.worker.postMessage(message);
  }

  /** Serve jobs: hands one request to the replica (answered through the `answer` event). */
  infer(request: ServeRequest): void {
    if (!this.aborted) this.tell({ type: 'infer', request });
  }

  /** Serve jobs: answer what is held, take nothing more. */
  drain(): void {
    if (!this.aborted) this.tell({ type: 'drain' });
  }

  abort(graceMs = 2000): void {
    if (this.aborted || this.ended) return;
    this.aborted = true;
    this.tell({ type: 'abort' });
    setTimeout(() => void this.worker.terminate(), graceMs).unref();
  }
}
