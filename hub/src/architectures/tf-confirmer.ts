/**
 * Where model specs are built with TF.js to confirm the analysis: {@link WorkerTfConfirmer} (the
 * hub: a {@link RecyclingWorker}, replaced after `recycleAfter` builds and stopped when idle) or
 * {@link inlineTfConfirmer} (in this thread: tests and tools).
 *
 * One request at a time: the validator queues them, so a worker never holds two models at once.
 */
import type { ModelSpecLimits } from '../../../schema/index.js';
import { RecyclingWorker } from '../recycling-worker.js';
import { loadTf } from '../tf.js';
import type { BuildRequest } from './spec-build-worker.js';
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
  private readonly worker: RecyclingWorker<BuildRequest, TfConfirmation>;

  constructor(options: WorkerTfConfirmerOptions = {}) {
    this.worker = new RecyclingWorker<BuildRequest, TfConfirmation>({
      workerUrl: options.workerUrl ?? new URL('./spec-build-worker.js', import.meta.url),
      recycleAfter: options.recycleAfter,
      idleMs: options.idleMs,
      failed: (reason) => ({ ok: false, message: `the TF.js check ${reason}` }),
    });
  }

  /** How many workers have been started so far. */
  get started(): number {
    return this.worker.started;
  }

  confirm(spec: unknown, limits: Partial<ModelSpecLimits>): Promise<TfConfirmation> {
    return this.worker.run({ spec, limits });
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
