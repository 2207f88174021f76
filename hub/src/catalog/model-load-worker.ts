/**
 * The worker thread where the hub loads uploaded models with TF.js (see model-loader.ts).
 * Receives `{ manifest, weightData }`, answers a LoadAnswer (recycling-worker.ts carries them).
 */
import { parentPort } from 'node:worker_threads';
import { answerRequests } from '../recycling-worker.js';
import { answerLoad } from './model-loader.js';

if (parentPort) answerRequests(parentPort, answerLoad);
