/**
 * The training benchmark's data and its yardstick (training.bench.ts): the generated rows, and
 * the raw TF.js fit of the same network on them — in this process, or in a process of its own
 * (this file run as the entry, with BENCH_RAW_FIT_CHILD) that fits when told, for the comparison
 * at once.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type * as tfjs from '@tensorflow/tfjs';
import { buildNetwork, optimizer } from '../../node-agent/src/jobs/train/network.js';
import { loadBestBackend } from '../../node-agent/src/tf/load-backend.js';
import { FeatureEncoder, fitPreprocessing, type FeatureColumn, type TrainPayload } from '../../schema/index.js';
import { onCleanup } from './harness.js';
import { generator } from '../support/synthetic-data.js';

/** The network and fit both sides use. */
export const HIDDEN = [32, 16];
export const BATCH = 64;
export const LEARN_RATE = 0.01;

/** A raw fit's own timing (from the rows in memory to the fitted model), its backend and its last accuracy. */
export interface RawFit {
  seconds: number;
  backend: string;
  accuracy: number;
}

// ---- the data ---------------------------------------------------------------------------------

const COLORS = ['red', 'green', 'blue', 'yellow'];
const SHIFT: Record<string, number> = { red: 1.5, green: 0, blue: -1.5, yellow: 0.5 };

export function rows(n: number, seed: number): { a: number; b: number; c: number; color: string; kind: string }[] {
  const { uniform, normal } = generator(seed);
  return Array.from({ length: n }, () => {
    const a = normal();
    const b = normal();
    const c = 10 * uniform();
    const color = COLORS[Math.floor(uniform() * COLORS.length)];
    const z = 2 * a - b + 0.2 * c + SHIFT[color] + 0.4 * normal();
    return { a: Number(a.toFixed(4)), b: Number(b.toFixed(4)), c: Number(c.toFixed(3)), color, kind: z < 0 ? 'low' : z < 2 ? 'mid' : 'high' };
  });
}

// ---- the raw fit ------------------------------------------------------------------------------

export async function rawFit(data: ReturnType<typeof rows>, epochs: number): Promise<RawFit> {
  const { tf, backend } = await loadBestBackend();
  const started = performance.now();
  const columns: FeatureColumn[] = [
    { name: 'a', type: 'number' },
    { name: 'b', type: 'number' },
    { name: 'c', type: 'number' },
    { name: 'color', type: 'category' },
  ];
  const features = fitPreprocessing(columns, data, (row, i) => row[columns[i].name as 'a'], 1000);
  const encoder = new FeatureEncoder(features);
  const classes = [...new Set(data.map((r) => r.kind))].sort();
  const x = new Float32Array(data.length * encoder.width);
  const y = new Float32Array(data.length * classes.length);
  data.forEach((row, r) => {
    encoder.encodeInto((i) => row[columns[i].name as 'a'], x, r * encoder.width);
    y[r * classes.length + classes.indexOf(row.kind)] = 1;
  });
  const payload = {
    modelType: 'dnn_classifier',
    task: 'classification',
    spec: null,
    hyperparameters: { hiddenUnits: HIDDEN, activation: 'relu', optimizer: 'adam', learnRate: LEARN_RATE, l1Reg: 0, l2Reg: 0, dropout: 0 },
  } as unknown as TrainPayload;
  const model = buildNetwork(tf, payload, encoder.width, classes.length);
  model.compile({ optimizer: optimizer(tf, payload), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const xs = tf.tensor2d(x, [data.length, encoder.width]);
  const ys = tf.tensor2d(y, [data.length, classes.length]);
  const history = await model.fit(xs, ys, { epochs, batchSize: BATCH, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - started) / 1000;
  const acc = history.history.acc ?? history.history.accuracy;
  tf.dispose([xs, ys] as tfjs.Tensor[]);
  model.dispose();
  return { seconds, backend, accuracy: Number(acc?.[acc.length - 1] ?? NaN) };
}

/**
 * The raw fit in a process of its own (this file run as the entry, with BENCH_RAW_FIT_CHILD): it
 * loads TF.js and makes its rows (and with `warm` fits them once, untimed), and this settles once
 * it is ready; `go()` makes it fit and answers its fit's own timing.
 */
export async function rawFitBeside(rowCount: number, seed: number, epochs: number, warm = false): Promise<{ go(): Promise<RawFit> }> {
  const child = spawn(process.execPath, [import.meta.filename], {
    env: { ...process.env, BENCH_RAW_FIT_CHILD: JSON.stringify({ rowCount, seed, epochs, warm }) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  onCleanup('stop the raw fit', () => child.kill('SIGKILL'));
  let out = '';
  child.stdout!.setEncoding('utf8');
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('ready\n')) resolve();
    });
    void exited.then((code) => reject(new Error(`the raw fit's process exited with ${code} before it was ready`)));
  });
  return {
    go: async () => {
      child.stdin!.end('go\n');
      const code = await exited;
      if (code !== 0) throw new Error(`the raw fit's process exited with ${code}`);
      return JSON.parse(out.trim().split('\n').at(-1)!);
    },
  };
}

/** The child side of {@link rawFitBeside}. */
async function rawFitChild(settings: { rowCount: number; seed: number; epochs: number; warm?: boolean }): Promise<void> {
  const data = rows(settings.rowCount, settings.seed);
  await loadBestBackend();
  if (settings.warm) await rawFit(data, settings.epochs);
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdout.write(JSON.stringify(await rawFit(data, settings.epochs)) + '\n');
  process.exit(0);
}

if (process.env.BENCH_RAW_FIT_CHILD && process.argv[1] === import.meta.filename) await rawFitChild(JSON.parse(process.env.BENCH_RAW_FIT_CHILD));
