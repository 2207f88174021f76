/**
 * The hub's own predictions for a spot check: the model version's TF.js layers model, its stored
 * preprocessing (schema/preprocessing.ts FeatureEncoder, the code the agents run), a few hidden
 * rows. Runs in a worker thread (spot-check-worker.ts, carried by RecyclingWorker): TF.js's import
 * and a model load are seconds of CPU the event loop must not spend.
 *
 * The answer is data, never an exception: a model TF.js cannot run here is a SKIPPED spot check.
 */
import { FeatureEncoder, type FeatureSpec } from '../../../../schema/index.js';
import { loadTf } from '../../tf.js';

export interface SpotPredictRequest {
  /** model.json's text. */
  modelJson: string;
  /** The weight shards model.json names, in its order, concatenated. */
  weightData: ArrayBuffer;
  features: FeatureSpec[];
  /** Raw records, `features` order. */
  rows: unknown[][];
}

export type SpotPredictAnswer = { ok: true; outputs: number[][] } | { ok: false; reason: string };

export async function spotPredict(request: SpotPredictRequest): Promise<SpotPredictAnswer> {
  try {
    const tf = await loadTf();
    const json = JSON.parse(request.modelJson);
    const weightSpecs = (json.weightsManifest as { weights: unknown[] }[]).flatMap((g) => g.weights);
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: weightSpecs as never, weightData: request.weightData }));
    try {
      const encoder = new FeatureEncoder(request.features);
      const n = request.rows.length;
      const x = new Float32Array(n * encoder.width);
      request.rows.forEach((row, r) => encoder.encodeInto((i) => row[i], x, r * encoder.width));
      const predicted = tf.tidy(() => model.predict(tf.tensor2d(x, [n, encoder.width])) as import('@tensorflow/tfjs').Tensor);
      const values = (await predicted.data()) as Float32Array;
      const width = values.length / Math.max(1, n);
      predicted.dispose();
      const outputs: number[][] = [];
      for (let r = 0; r < n; r++) outputs.push(Array.from(values.subarray(r * width, (r + 1) * width)));
      return { ok: true, outputs };
    } finally {
      model.dispose();
    }
  } catch (error) {
    return { ok: false, reason: `the hub could not run the model: ${String((error as Error)?.message ?? error).slice(0, 300)}` };
  }
}
