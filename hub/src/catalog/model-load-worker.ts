/**
 * The worker thread where the hub loads uploaded models with TF.js (see model-loader.ts).
 * Receives `{ manifest, weightData }`, answers a LoadAnswer (recycling-worker.ts carries them).
 *
 * TF.js is imported as the worker starts, not at its first request: every request needs it, and a
 * worker started ahead of its request (ModelLoader.warm) then has it ready. A failed import is
 * tried again by the request, which reports it.
 */
import { parentPort } from 'node:worker_threads';
import { answerRequests } from '../recycling-worker.js';
import { loadTf } from '../tf.js';
import { answerLoad } from './model-loader.js';

if (parentPort) {
  answerRequests(parentPort, answerLoad);
  loadTf().catch(() => undefined);
}
