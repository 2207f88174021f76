/**
 * The worker thread where the hub builds model specs with TF.js (see tf-confirmer.ts): off the
 * main thread, and in a TF.js instance that is thrown away now and then, because TF.js keeps
 * every tensor name it has ever given out (about 140 KB for a 500-layer model, never freed).
 *
 * Receives `{ id, spec, limits }`, answers `{ id, result: TfConfirmation }`.
 */
import { parentPort } from 'node:worker_threads';
import type { ModelSpecLimits } from '../../../schema/index.js';
import { loadTf } from '../tf.js';
import { confirmWithTf, type TfConfirmation } from './spec-confirmation.js';

export interface BuildRequest {
  id: number;
  spec: unknown;
  limits: Partial<ModelSpecLimits>;
}
export interface BuildAnswer {
  id: number;
  result: TfConfirmation;
}

parentPort?.on('message', async ({ id, spec, limits }: BuildRequest) => {
  let result: TfConfirmation;
  try {
    result = confirmWithTf(spec, await loadTf(), limits);
  } catch (error) {
    result = { ok: false, message: String((error as Error)?.message ?? error).slice(0, 500) };
  }
  parentPort!.postMessage({ id, result } satisfies BuildAnswer);
});
