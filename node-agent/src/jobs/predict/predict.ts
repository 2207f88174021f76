/**
 * The `predict` job (ML.PREDICT / ML.EVALUATE by SQL — the job does not say which): load the model
 * version's TF.js files from the hub, read the input rows in chunks, turn each RAW record into the
 * model's input with the preprocessing stored in the version (schema/preprocessing.ts
 * FeatureEncoder — the trainer's own code, so prediction sees exactly the numbers training saw),
 * predict, and upload each chunk's outputs as it goes (the hub never holds them all). For
 * ML.EVALUATE the hub serves the feature columns only and scores the outputs itself.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { FeatureEncoder } from '../../../../schema/index.js';
import { PermanentJobError, type JobHandler } from '../job-handler.js';
import { checkModelShapes, loadModel } from '../load-model.js';
import { PredictHub } from './predict-hub.js';

export const predict: JobHandler<'predict'> = async (ctx) => {
  const { payload, signal } = ctx;
  const hub = new PredictHub(ctx);
  const classification = payload.task === 'classification';
  const outputs = classification ? payload.labels.length : 1;

  ctx.progress(0.01, 'loading the model');
  const { tf } = await ctx.tf();
  const model = await loadModel(tf, (path) => hub.file(path), payload.files);
  try {
    const encoder = new FeatureEncoder(payload.features);
    checkModelShapes(model, encoder.width, outputs, classification);

    let read = 0;
    let columns: string[] | null = null;
    let at: number[] = [];
    for (;;) {
      signal.throwIfAborted();
      const chunk = await hub.rows(read, payload.chunkRows);
      if (!columns) {
        columns = chunk.columns;
        const index = new Map(columns.map((name, i) => [name, i]));
        const missing = payload.features.filter((f) => !index.has(f.name)).map((f) => f.name);
        if (missing.length > 0) throw new PermanentJobError(`the input rows have no column ${missing.map((m) => `"${m}"`).join(', ')}`);
        at = payload.features.map((f) => index.get(f.name)!);
      } else if (chunk.columns.join('\u0000') !== columns.join('\u0000')) throw new Error('the input rows changed columns between chunks');
      const n = chunk.rows.length;
      if (n > 0) {
        const x = new Float32Array(n * encoder.width);
        chunk.rows.forEach((row, r) => encoder.encodeInto((i) => row[at[i]], x, r * encoder.width));
        const predicted = tf.tidy(() => model.predict(tf.tensor2d(x, [n, encoder.width]), { batchSize: 8192 }) as tfjs.Tensor);
        const values = (await predicted.data()) as Float32Array;
        predicted.dispose();
        const out: (number | null)[][] = new Array(n);
        for (let r = 0; r < n; r++) {
          const row: (number | null)[] = new Array(outputs);
          for (let c = 0; c < outputs; c++) {
            const v = values[r * outputs + c];
            row[c] = Number.isFinite(v) ? v : null;
          }
          out[r] = row;
        }
        await hub.predictions(read, out);
      }
      read += n;
      ctx.progress(0.05 + 0.9 * Math.min(1, read / Math.max(1, payload.rowCount)), `predicted ${read} of ${payload.rowCount} rows`);
      if (n < payload.chunkRows) break;
    }
    return { rows: read };
  } finally {
    model.dispose();
  }
};
