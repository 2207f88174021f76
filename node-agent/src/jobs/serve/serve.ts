/**
 * The `serve` job: a deployment's replica (schema/serving.ts). It loads the version's TF.js files
 * (through the agent's content-addressed cache, file-cache.ts), builds the preprocessing from the
 * version's signature (schema/preprocessing.ts FeatureEncoder — the trainer's own code, so callers
 * send raw records and the model sees the numbers training saw), checks the model's shapes as the
 * predict job does, warms up with one predict call and says it is ready. From then on it answers
 * the requests the agent's main thread routes to it, batched by the dynamic batcher, until the
 * hub cancels it (or the agent drains, which releases it): it never ends on its own.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type * as tfjs from '@tensorflow/tfjs';
import { FeatureEncoder, type RawRecord, type ServeFile } from '../../../../schema/index.js';
import { hubCall } from '../hub-call.js';
import { PermanentJobError, type InferAnswer, type JobHandler, type ServeRequest } from '../job-handler.js';
import { checkModelShapes, loadModel } from '../load-model.js';
import { DynamicBatcher } from './dynamic-batcher.js';
import { FileCache } from './file-cache.js';

/** Most encoded values one request may make (128 MB of float32): a bigger one is BAD_INPUT, not an out-of-memory worker. */
export const MAX_ENCODED_VALUES = 2 ** 25;
/** Load reports to the main thread at most this often (heartbeats read the latest). */
const LOAD_REPORT_MS = 100;

export const serve: JobHandler<'serve'> = async (ctx) => {
  const { payload, signal, serving } = ctx;
  if (!serving) throw new PermanentJobError('this agent runs serve jobs only with a serving channel to its main thread');
  const started = performance.now();
  const classification = payload.task === 'classification';
  const outputs = classification ? payload.labels.length : 1;

  ctx.progress(0.01, `loading ${payload.model}`);
  const { tf } = await ctx.tf();
  const bytes = await modelFiles(ctx, payload.files, serving.cacheDir);
  const model = await loadModel(tf, (path) => Promise.resolve(bytes(path)), payload.files.map((f) => f.path));
  try {
    const encoder = new FeatureEncoder(payload.features);
    checkModelShapes(model, encoder.width, outputs, classification);
    const width = encoder.width;
    const predictRows = async (x: Float32Array, rows: number): Promise<(number | null)[][]> => {
      const predicted = tf.tidy(() => model.predict(tf.tensor2d(x, [rows, width]), { batchSize: Math.max(1, Math.min(rows, 4096)) }) as tfjs.Tensor);
      let values: Float32Array;
      try {
        values = (await predicted.data()) as Float32Array;
      } finally {
        predicted.dispose();
      }
      return outputRows(values, rows, outputs);
    };

    ctx.progress(0.9, 'warming up');
    await predictRows(new Float32Array(width), 1);
    signal.throwIfAborted();

    let reportTimer: NodeJS.Timeout | undefined;
    const batcher = new DynamicBatcher<Float32Array>({
      maxBatchSize: payload.batching.maxBatchSize,
      maxQueueDelayMs: payload.batching.maxQueueDelayMs,
      maxQueue: payload.maxQueue,
      run: async (inputs, rows) => {
        if (serving.delayMs > 0) await sleep(serving.delayMs);
        return predictRows(inputs.length === 1 ? inputs[0] : concat(inputs, rows * width), rows);
      },
      answer: (answer) => serving.answer(answer),
      changed: () => {
        reportTimer ??= setTimeout(() => {
          reportTimer = undefined;
          serving.load(batcher.load());
        }, LOAD_REPORT_MS);
      },
    });
    serving.onRequest((request) => accept(request, batcher, encoder, serving.answer));
    serving.onDrain(() => void batcher.drain());
    serving.ready(performance.now() - started);
    serving.load(batcher.load());
    ctx.progress(1, 'serving');

    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    // Canceled: answer what waits, let a computing batch finish (bounded: the worker is ended anyway).
    await Promise.race([batcher.stop('UNAVAILABLE', 'the replica was stopped'), sleep(1000)]);
    clearTimeout(reportTimer);
    signal.throwIfAborted();
    throw new Error('unreachable: a replica ends only when stopped');
  } finally {
    model.dispose();
  }
};

/** Encodes one request and hands it to the batcher; a request that cannot be encoded is BAD_INPUT, alone. */
function accept(request: ServeRequest, batcher: DynamicBatcher<Float32Array>, encoder: FeatureEncoder, answer: (a: InferAnswer) => void): void {
  const refuse = (message: string) => answer({ requestId: request.requestId, error: { code: 'BAD_INPUT', message }, batchSize: 0, queueMs: 0, computeMs: 0 });
  let input: Float32Array;
  try {
    input = encodeRecords(encoder, request.records);
  } catch (error) {
    return refuse((error as Error).message.slice(0, 1000));
  }
  batcher.submit({ requestId: request.requestId, input, rows: request.records.length, receivedAt: request.receivedAt, deadlineAt: request.deadlineAt });
}

/** The records as the model's input rows; throws (naming the record) when one cannot be encoded. */
export function encodeRecords(encoder: FeatureEncoder, records: readonly RawRecord[]): Float32Array {
  if (!Array.isArray(records) || records.length === 0) throw new Error('the request has no records');
  if (records.length * encoder.width > MAX_ENCODED_VALUES) {
    throw new Error(`the request's ${records.length} records make ${records.length * encoder.width} input values, more than ${MAX_ENCODED_VALUES} per request`);
  }
  const x = new Float32Array(records.length * encoder.width);
  records.forEach((record, r) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new Error(`record ${r} is not an object of feature values`);
    encoder.features.forEach((feature) => {
      const value: unknown = Object.hasOwn(record, feature.name) ? record[feature.name] : null;
      if (value !== null && !['number', 'string', 'boolean'].includes(typeof value)) {
        throw new Error(`record ${r}: feature "${feature.name}" is not a number, string, boolean or null`);
      }
    });
    encoder.encodeInto((i) => (Object.hasOwn(record, encoder.features[i].name) ? record[encoder.features[i].name] : null), x, r * encoder.width);
  });
  return x;
}

/** Per row: `outputs` values (class probabilities in label order, or [value]), null where not finite. */
function outputRows(values: Float32Array, rows: number, outputs: number): (number | null)[][] {
  const out: (number | null)[][] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const row: (number | null)[] = new Array(outputs);
    for (let c = 0; c < outputs; c++) {
      const v = values[r * outputs + c];
      row[c] = Number.isFinite(v) ? v : null;
    }
    out[r] = row;
  }
  return out;
}

function concat(parts: Float32Array[], length: number): Float32Array {
  const x = new Float32Array(length);
  let at = 0;
  for (const part of parts) {
    x.set(part, at);
    at += part.length;
  }
  return x;
}

/** Every file of the version, from the agent's cache or the job's file route (checked against its sha256). */
async function modelFiles(ctx: Parameters<JobHandler<'serve'>>[0], files: ServeFile[], cacheDir: string): Promise<(path: string) => ArrayBuffer> {
  const cache = new FileCache(cacheDir);
  const byPath = new Map<string, ArrayBuffer>();
  let cached = 0;
  for (const file of files) {
    ctx.signal.throwIfAborted();
    let fromCache = true;
    const bytes = await cache.get(file, async () => {
      fromCache = false;
      const res = await hubCall(ctx, `downloading the model file ${file.path}`, `/serve/file?path=${encodeURIComponent(file.path)}`);
      return res.arrayBuffer();
    });
    if (fromCache) cached++;
    byPath.set(file.path, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    ctx.progress(0.05 + (0.8 * byPath.size) / files.length, `model files: ${byPath.size} of ${files.length} (${cached} from the cache)`);
  }
  return (path) => {
    const bytes = byPath.get(path);
    if (!bytes) throw new PermanentJobError(`the version has no file ${path}`);
    return bytes;
  };
}
