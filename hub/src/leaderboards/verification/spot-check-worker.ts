/**
 * The worker thread where the hub predicts its spot-check rows with TF.js (spot-predict.ts).
 * Receives a SpotPredictRequest, answers a SpotPredictAnswer (recycling-worker.ts carries them).
 */
import { parentPort } from 'node:worker_threads';
import { answerRequests } from '../../recycling-worker.js';
import { spotPredict } from './spot-predict.js';

if (parentPort) answerRequests(parentPort, spotPredict);
