/**
 * Where model specs are built with TF.js to confirm the analysis: {@link WorkerTfConfirmer} (the
 * hub: a worker thread, replaced after `recycleAfter` builds and stopped when idle) or
 * {@link inlineTfConfirmer} (in this thread: tests and tools).
 *
 * One request at a time: the validator queues them, so a worker never holds two models at once.
 */
import { Worker } from 'node:worker_threads';
import type { ModelSpecLimits } from '../../../schema/index.js';
import { loadTf } from '../tf.js';
import type { BuildAnswer, BuildRequest } from './spec-build-worker.js';
import { confirmWithTf, type TfConfirmation } from './spec-confirmation.js';

export interface TfConfirmer {
  confirm(spec: unknown, limits: Partial<ModelSpecLimits>): Promise<TfConfirmation>;
  close(): Promise<void>;
}

export function inlineTfConfirmer(): TfConfirmer {
  return {
    confirm: async (spec, limits) => confirmWithTf(spec, await loadTf(), limits),
    close: async () => undefined,
  };
}

export interface WorkerTfConfirmerOptions {
  /** Builds before the worker (and the names TF.js keeps) is replaced by a fresh one. */
  recycleAfter?: number;
  /** Idle time before the worker is stopped (the next build starts one again, loading TF.js). */
  idleMs?: number;
  /** The compiled worker module; default: spec-build-worker.js beside this module. */
  workerUrl?: URL;
}

export class WorkerTfConfirmer implements TfConfirmer {
  private worker: Worker | null = null;
  private builds = 0;
  private nextId = 1;
  /** Requests in flight, with the worker each was sent to. */
  private readonly pending = new Map<number, { worker: Worker; resolve: (result: TfConfirmation) => void }>();
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly recycleAfter: number;
  private readonly idleMs: number;
  private readonly workerUrl: URL;

  /** How many workers have been started so far. */
  started = 0;

  constructor(options: WorkerTfConfirmerOptions = {}) {
    this.recycleAfter = options.recycleAfter ?? 100;
    this.idleMs = options.idleMs ?? 60_000;
    this.workerUrl = options.workerUrl ?? new URL('./spec-build-worker.js', import.meta.url);
  }

  confirm(spec: unknown, limits: Partial<ModelSpecLimits>): Promise<TfConfirmation> {
    clearTimeout(this.idleTimer);
    const worker = this.current();
    const id = this.nextId++;
    return new Promise<TfConfirmation>((resolve) => {
      this.pending.set(id, { worker, resolve });
      worker.postMessage({ id, spec, limits } satisfies BuildRequest);
    }).finally(() => {
      if (this.pending.size === 0) this.idleTimer = setTimeout(() => void this.stop(), this.idleMs).unref();
    });
  }

  private current(): Worker {
    if (this.worker && this.builds >= this.recycleAfter && this.pending.size === 0) void this.stop();
    if (!this.worker) {
      const worker = new Worker(this.workerUrl);
      // The hub may exit while a worker idles; a build in flight is lost with the request anyway.
      worker.unref();
      worker.on('message', ({ id, result }: BuildAnswer) => {
        this.pending.get(id)?.resolve(result);
        this.pending.delete(id);
      });
      const fail = (message: string) => {
        if (this.worker === worker) this.worker = null;
        for (const [id, request] of this.pending) {
          if (request.worker !== worker) continue;
          request.resolve({ ok: false, message });
          this.pending.delete(id);
        }
      };
      worker.on('error', (error) => fail(`the TF.js check failed: ${error.message}`));
      worker.on('exit', (code) => fail(`the TF.js check stopped (exit code ${code})`));
      this.worker = worker;
      this.builds = 0;
      this.started++;
    }
    this.builds++;
    return this.worker;
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.stop();
  }
}
