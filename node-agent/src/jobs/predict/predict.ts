/**
 * The `predict` job (ML.PREDICT / ML.EVALUATE by SQL): load the model version's TF.js files from
 * the hub, read the input rows in chunks, turn each RAW record into the model's input with the
 * preprocessing stored in the version (schema/preprocessing.ts FeatureEncoder — the trainer's own
 * code, so prediction sees exactly the numbers training saw), and predict. ML.PREDICT uploads each
 * chunk's outputs as it goes (the hub never holds them all); ML.EVALUATE keeps only the outputs
 * and true labels of labelled rows and reports BigQuery ML's metrics (the trainer's code,
 * evaluation-metrics.ts) in its result.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { categoryValue, FeatureEncoder, numberValue } from '../../../../schema/index.js';
import { PermanentJobError, type JobHandler } from '../job-handler.js';
import { checkModelShapes, loadModel } from '../load-model.js';
import { classificationMetrics, regressionMetrics } from '../train/evaluation-metrics.js';
import { PredictHub } from './predict-hub.js';

export const predict: JobHandler<'predict'> = async (ctx) => {
  const { payload, signal } = ctx;
  const hub = new PredictHub(ctx);
  const classification = payload.task === 'classification';
  const outputs = classification ? payload.labels.length : 1;
  const evaluate = payload.mode === 'evaluate';

  ctx.progress(0.01, 'loading the model');
  const { tf } = await ctx.tf();
  const model = await loadModel(tf, (path) => hub.file(path), payload.files);
  try {
    const encoder = new FeatureEncoder(payload.features);
    checkModelShapes(model, encoder.width, outputs, classification);

    // ML.EVALUATE: the labelled rows' outputs and truths.
    const probabilities: number[] = [];
    const truth: number[] = [];
    let skipped = 0;
    const classIndex = new Map(payload.labels.map((label, k) => [label, k]));

    let read = 0;
    let columns: string[] | null = null;
    let at: number[] = [];
    let labelAt = -1;
    for (;;) {
      signal.throwIfAborted();
      const chunk = await hub.rows(read, payload.chunkRows);
      if (!columns) {
        columns = chunk.columns;
        const index = new Map(columns.map((name, i) => [name, i]));
        const missing = payload.features.filter((f) => !index.has(f.name)).map((f) => f.name);
        if (missing.length > 0) throw new PermanentJobError(`the input rows have no column ${missing.map((m) => `"${m}"`).join(', ')}`);
        at = payload.features.map((f) => index.get(f.name)!);
        if (evaluate) {
          if (!index.has(payload.labelColumn!)) throw new PermanentJobError(`the input rows have no label column "${payload.labelColumn}"`);
          labelAt = index.get(payload.labelColumn!)!;
        }
      } else if (chunk.columns.join('\u0000') !== columns.join('\u0000')) throw new Error('the input rows changed columns between chunks');
      const n = chunk.rows.length;
      if (n > 0) {
        const x = new Float32Array(n * encoder.width);
        chunk.rows.forEach((row, r) => encoder.encodeInto((i) => row[at[i]], x, r * encoder.width));
        const predicted = tf.tidy(() => model.predict(tf.tensor2d(x, [n, encoder.width]), { batchSize: 1024 }) as tfjs.Tensor);
        const values = (await predicted.data()) as Float32Array;
        predicted.dispose();
        if (evaluate) {
          chunk.rows.forEach((row, r) => {
            if (classification) {
              const key = categoryValue(row[labelAt]);
              const k = key === null ? undefined : classIndex.get(key);
              if (k === undefined) return void skipped++;
              truth.push(k);
              for (let c = 0; c < outputs; c++) probabilities.push(values[r * outputs + c]);
            } else {
              const v = numberValue(row[labelAt]);
              if (v === null) return void skipped++;
              truth.push(v);
              probabilities.push(values[r]);
            }
          });
        } else {
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
      }
      read += n;
      ctx.progress(0.05 + 0.9 * Math.min(1, read / Math.max(1, payload.rowCount)), `${evaluate ? 'evaluated' : 'predicted'} ${read} of ${payload.rowCount} rows`);
      if (n < payload.chunkRows) break;
    }

    if (!evaluate) return { rows: read, metrics: null, skipped: 0 };
    if (truth.length === 0) throw new PermanentJobError(`no input row has a label the model knows${classification ? ' (one of its classes)' : ''}: there is nothing to evaluate against`);
    const p = new Float32Array(probabilities);
    const metrics = classification ? classificationMetrics(p, truth, outputs) : regressionMetrics(p, truth);
    const finite = Object.fromEntries(Object.entries(metrics).filter(([, v]) => Number.isFinite(v)));
    ctx.progress(1, `evaluated ${truth.length} labelled rows`);
    return { rows: read, metrics: finite, skipped };
  } finally {
    model.dispose();
  }
};
