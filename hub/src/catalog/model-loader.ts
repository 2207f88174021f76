/**
 * Where the uploaded-model check loads a model with TF.js ({@link loadAndSign}):
 * {@link WorkerModelLoader} (the hub: a worker thread, so neither TF.js's import — seconds of CPU
 * the first time — nor a load whose size the uploader chooses stalls the event loop that answers
 * every other request) or {@link inlineModelLoader} (this thread: tests and tools).
 *
 * The worker's answer is data, not an exception: a refusal comes back as the field and message of
 * the BAD_USER_INPUT the check would have thrown, and is thrown again here.
 */
import { AppError, badInput } from '../errors.js';
import { RecyclingWorker } from '../recycling-worker.js';
import { loadAndSign, type ModelJson } from './layers-model-check.js';
import type { ModelSignature } from './model-version.entity.js';

export interface ModelLoader {
  /** The model's signature; BAD_USER_INPUT when TF.js cannot load it. `weightData` may be moved away. */
  loadAndSign(manifest: ModelJson, weightData: ArrayBuffer): Promise<ModelSignature>;
  /**
   * A model is coming (a training job is in its epochs): get TF.js ready for it off the event
   * loop, so the check itself does not pay the import. Optional: a loader on the caller's thread
   * has nothing it could prepare without blocking that thread.
   */
  warm?(): void;
  close(): Promise<void>;
}

export interface LoadRequest {
  manifest: ModelJson;
  weightData: ArrayBuffer;
}
export type LoadAnswer = { ok: true; signature: ModelSignature } | { ok: false; field: string; message: string };

export function inlineModelLoader(): ModelLoader {
  return { loadAndSign, close: async () => undefined };
}

/** Runs {@link loadAndSign} and says its refusal as data (the worker module's side). */
export async function answerLoad({ manifest, weightData }: LoadRequest): Promise<LoadAnswer> {
  try {
    return { ok: true, signature: await loadAndSign(manifest, weightData) };
  } catch (error) {
    const problem = error instanceof AppError && error.code === 'BAD_USER_INPUT' ? error.fields[0] : undefined;
    return problem ? { ok: false, ...problem } : { ok: false, field: 'model.json', message: `TF.js could not load the model: ${String((error as Error)?.message ?? error).slice(0, 500)}` };
  }
}

export class WorkerModelLoader implements ModelLoader {
  private readonly worker: RecyclingWorker<LoadRequest, LoadAnswer>;

  constructor(options: { workerUrl?: URL; recycleAfter?: number; idleMs?: number } = {}) {
    this.worker = new RecyclingWorker<LoadRequest, LoadAnswer>({
      workerUrl: options.workerUrl ?? new URL('./model-load-worker.js', import.meta.url),
      recycleAfter: options.recycleAfter,
      idleMs: options.idleMs,
      failed: (reason) => ({ ok: false, field: 'model.json', message: `TF.js could not load the model: the check ${reason}` }),
    });
  }

  /** How many workers have been started so far. */
  get started(): number {
    return this.worker.started;
  }

  /** Starts the worker (which imports TF.js as it starts) unless one is running, and keeps it another idle period. */
  warm(): void {
    this.worker.warm();
  }

  async loadAndSign(manifest: ModelJson, weightData: ArrayBuffer): Promise<ModelSignature> {
    const answer = await this.worker.run({ manifest, weightData }, [weightData]);
    if (!answer.ok) throw badInput(answer.field, answer.message);
    return answer.signature;
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
