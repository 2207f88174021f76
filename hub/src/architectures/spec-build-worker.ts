/**
 * The worker thread where the hub builds model specs with TF.js (see tf-confirmer.ts): off the
 * main thread, and in a TF.js instance that is thrown away now and then, because TF.js keeps
 * every tensor name it has ever given out (about 140 KB for a 500-layer model, never freed).
 *
 * Receives `{ spec, limits }`, answers a TfConfirmation (recycling-worker.ts carries them).
 */
import { parentPort } from 'node:worker_threads';
import type { ModelSpecLimits } from '../../../schema/index.js';
import { answerRequests } from '../recycling-worker.js';
import { loadTf } from '../tf.js';
import { confirmWithTf, type TfConfirmation } from './spec-confirmation.js';

export interface BuildRequest {
  spec: unknown;
  limits: Partial<ModelSpecLimits>;
}

if (parentPort) {
  answerRequests<BuildRequest, TfConfirmation>(parentPort, async ({ spec, limits }) => {
    try {
      return confirmWithTf(spec, await loadTf(), limits);
    } catch (error) {
      return { ok: false, message: String((error as Error)?.message ?? error).slice(0, 500) };
    }
  });
}
