/**
 * A replica's dynamic batcher, after Triton's
 * (https://docs.nvidia.com/deeplearning/triton-inference-server/user-guide/docs/user_guide/model_configuration.html#dynamic-batcher):
 * requests that arrive within `maxQueueDelayMs` of the oldest waiting one are run as ONE call of at
 * most `maxBatchSize` rows, and each request gets its own slice of the outputs back.
 *
 * - A batch is sent as soon as the waiting rows fill `maxBatchSize`, or when the oldest waiting
 *   request has waited `maxQueueDelayMs`. Requests are taken in arrival order and never split: a
 *   request that does not fit waits for the next batch; one that alone exceeds `maxBatchSize` runs
 *   alone.
 * - One batch computes at a time; the next one gathers meanwhile.
 * - At most `maxQueue` requests wait: more are answered OVERLOADED at once, nothing run.
 * - A request whose deadline passed before its batch starts is answered DEADLINE, nothing run.
 *
 * Plain and clock-injected (no TF.js, no timers of its own), so it is unit-tested with a fake clock.
 */
import type { InferErrorCode } from '../../../../schema/index.js';
import type { InferAnswer, ReplicaLoadSnapshot } from '../job-handler.js';

export interface BatcherClock {
  /** Milliseconds on the same scale as requests' `receivedAt` and `deadlineAt`. */
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: BatcherClock = {
  // timeOrigin + now(): sub-millisecond and the same scale in every thread of the process.
  now: () => performance.timeOrigin + performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface BatchRequest<I> {
  requestId: string;
  /** The request's rows, prepared for the model (encoded); `rows` of them. */
  input: I;
  rows: number;
  /** When the agent received it, and when it must have started computing. */
  receivedAt: number;
  deadlineAt: number;
}

/** `batchSize` is 0 when nothing ran. */
export type BatchAnswer = InferAnswer;
export type BatcherLoad = ReplicaLoadSnapshot;

export interface BatcherOptions<I> {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  maxQueue: number;
  /** Runs one batch: the inputs in order, `rows` in all; answers one output row per input row, in order. */
  run(inputs: I[], rows: number): Promise<(number | null)[][]>;
  answer(answer: BatchAnswer): void;
  /** Called whenever the load changed. */
  changed?(): void;
  clock?: BatcherClock;
}

interface Waiting<I> extends BatchRequest<I> {
  /** When the batcher got it: the gathering delay counts from here. */
  queuedAt: number;
}

/** Weight of the newest latency sample in the moving average. */
const EWMA_ALPHA = 0.2;

export class DynamicBatcher<I> {
  private readonly clock: BatcherClock;
  private readonly queue: Waiting<I>[] = [];
  private queuedRows = 0;
  private timer: unknown;
  private computing: Promise<void> | null = null;
  private inFlight = 0;
  private latencyMs = 0;
  private answered = 0;
  private closed: InferErrorCode | null = null;
  /** Set while draining: waiting requests go out without gathering more. */
  private flushing = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: BatcherOptions<I>) {
    this.clock = options.clock ?? systemClock;
  }

  load(): BatcherLoad {
    return { inFlight: this.inFlight, queued: this.queue.length, latencyMs: this.latencyMs, requests: this.answered };
  }

  submit(request: BatchRequest<I>): void {
    const now = this.clock.now();
    if (this.closed) return this.refuse(request, this.closed, 'the replica is stopping', now);
    if (this.queue.length >= this.options.maxQueue) {
      return this.refuse(request, 'OVERLOADED', `the replica already holds ${this.queue.length} waiting requests`, now);
    }
    this.queue.push({ ...request, queuedAt: now });
    this.queuedRows += request.rows;
    this.schedule();
    this.options.changed?.();
  }

  /** Answers `code` to every waiting request and to every later one; a computing batch still answers. */
  stop(code: InferErrorCode = 'UNAVAILABLE', message = 'the replica is stopping'): Promise<void> {
    this.closed = code;
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
    const now = this.clock.now();
    for (const request of this.queue.splice(0)) this.refuse(request, code, message, now);
    this.queuedRows = 0;
    this.options.changed?.();
    return this.idle();
  }

  /** Takes no more requests (UNAVAILABLE), runs what waits without gathering, resolves when all is answered. */
  drain(): Promise<void> {
    this.closed = 'UNAVAILABLE';
    this.flushing = true;
    this.schedule();
    return this.idle();
  }

  /** Resolves when nothing waits or computes. */
  idle(): Promise<void> {
    if (!this.computing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private refuse(request: BatchRequest<I>, code: InferErrorCode, message: string, now: number): void {
    this.finish({ requestId: request.requestId, error: { code, message }, batchSize: 0, queueMs: Math.max(0, now - request.receivedAt), computeMs: 0 }, false);
  }

  private finish(answer: BatchAnswer, ran: boolean): void {
    this.answered += 1;
    if (ran) {
      const sample = answer.queueMs + answer.computeMs;
      this.latencyMs = this.answered === 1 || this.latencyMs === 0 ? sample : this.latencyMs + EWMA_ALPHA * (sample - this.latencyMs);
    }
    this.options.answer(answer);
  }

  /** Sends a batch now if one is due, else arms the timer for when the oldest request has waited enough. */
  private schedule(): void {
    if (this.computing || this.queue.length === 0) return;
    const waited = this.clock.now() - this.queue[0].queuedAt;
    if (this.flushing || this.queuedRows >= this.options.maxBatchSize || waited >= this.options.maxQueueDelayMs) {
      this.clock.clearTimer(this.timer);
      this.timer = undefined;
      this.dispatch();
      return;
    }
    if (this.timer === undefined) {
      this.timer = this.clock.setTimer(() => {
        this.timer = undefined;
        this.schedule();
      }, this.options.maxQueueDelayMs - waited);
    }
  }

  private dispatch(): void {
    const start = this.clock.now();
    const batch: Waiting<I>[] = [];
    let rows = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (next.deadlineAt <= start) {
        this.queue.shift();
        this.queuedRows -= next.rows;
        this.refuse(next, 'DEADLINE', 'the deadline passed before the request could run', start);
        continue;
      }
      if (batch.length > 0 && rows + next.rows > this.options.maxBatchSize) break;
      this.queue.shift();
      this.queuedRows -= next.rows;
      batch.push(next);
      rows += next.rows;
      if (rows >= this.options.maxBatchSize) break;
    }
    if (batch.length === 0) {
      this.settleIdle();
      this.options.changed?.();
      return;
    }
    this.inFlight = batch.length;
    this.options.changed?.();
    this.computing = this.compute(batch, rows, start).finally(() => {
      this.computing = null;
      this.inFlight = 0;
      this.options.changed?.();
      this.schedule();
      this.settleIdle();
    });
  }

  private async compute(batch: Waiting<I>[], rows: number, start: number): Promise<void> {
    let outputs: (number | null)[][] | undefined;
    let failure: string | undefined;
    try {
      outputs = await this.options.run(
        batch.map((r) => r.input),
        rows,
      );
      if (outputs.length !== rows) failure = `the model answered ${outputs.length} rows for ${rows}`;
    } catch (error) {
      failure = String((error as Error)?.message ?? error).slice(0, 1000);
    }
    const end = this.clock.now();
    const computeMs = Math.max(0, end - start);
    let at = 0;
    for (const request of batch) {
      const queueMs = Math.max(0, start - request.receivedAt);
      if (failure !== undefined || !outputs) {
        this.finish({ requestId: request.requestId, error: { code: 'FAILED', message: `the predict call failed: ${failure}` }, batchSize: rows, queueMs, computeMs }, true);
      } else {
        this.finish({ requestId: request.requestId, outputs: outputs.slice(at, at + request.rows), batchSize: rows, queueMs, computeMs }, true);
      }
      at += request.rows;
    }
  }

  private settleIdle(): void {
    if (this.computing || this.queue.length > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
