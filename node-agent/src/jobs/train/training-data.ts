/**
 * The training rows: read from the hub in chunks, labelled rows only, split into training and
 * evaluation rows the same way on every attempt (so an agent resuming from a checkpoint goes on
 * with the same split), and encoded into the network's inputs and targets.
 */
import { categoryValue, FeatureEncoder, numberValue, ROWS_READ_AHEAD, type FeatureSpec, type RowsChunk, type TrainPayload } from '../../../../schema/index.js';
import { PermanentJobError } from '../job-handler.js';
import type { TrainingHub } from './training-hub.js';

export interface Rows {
  /** Column index by name. */
  index: Map<string, number>;
  rows: unknown[][];
}

/**
 * Reads every row of the training query, chunk by chunk, until a short chunk or exactly the count.
 * The hub counted the rows when it planned the job (`rowCount`, the same query over dataset
 * versions that never change), so the chunks up to that count are asked for ROWS_READ_AHEAD
 * (schema/training.ts) at a time rather than one after another; they are taken in order (the hub
 * reads the first of them while the job is dispatched). Reading stops when the rows read
 * reach the count at a chunk's end (no request past it only to find it empty), and otherwise goes
 * on until a short chunk, should the count be wrong.
 */
export async function readRows(hub: TrainingHub, payload: TrainPayload, signal: AbortSignal, progress: (read: number) => void): Promise<Rows> {
  const size = payload.chunkRows;
  const asked = new Map<number, Promise<RowsChunk>>();
  const ask = (k: number): Promise<RowsChunk> => {
    let chunk = asked.get(k);
    if (!chunk) {
      chunk = hub.rows(k * size, size);
      chunk.catch(() => undefined); // awaited in its turn; one asked ahead may be dropped on an abort
      asked.set(k, chunk);
    }
    return chunk;
  };
  const rows: unknown[][] = [];
  let columns: string[] | null = null;
  for (let k = 0; ; k++) {
    signal.throwIfAborted();
    for (let ahead = k + 1; ahead < k + ROWS_READ_AHEAD && ahead * size < payload.rowCount; ahead++) ask(ahead);
    const chunk = await ask(k);
    asked.delete(k);
    columns ??= chunk.columns;
    if (chunk.columns.join('\u0000') !== columns.join('\u0000')) throw new Error('the training rows changed columns between chunks');
    for (const row of chunk.rows) {
      if (row.length !== columns.length) throw new Error('a training row has the wrong number of values');
      rows.push(row);
    }
    progress(rows.length);
    if (chunk.rows.length < size || rows.length === payload.rowCount) break;
  }
  const index = new Map(columns!.map((name, i) => [name, i]));
  for (const name of [payload.label.name, ...payload.features.map((f) => f.name), ...(payload.hyperparameters.dataSplitCol ? [payload.hyperparameters.dataSplitCol] : [])]) {
    if (!index.has(name)) throw new PermanentJobError(`the training rows have no column "${name}"`);
  }
  return { index, rows };
}

/** A deterministic number in [0, 1) for row i (mulberry32 of the index). */
function unitHash(i: number): number {
  let t = (i + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * Labelled rows, split by data_split_method (BigQuery ML's rules): auto_split evaluates on 20 % of
 * 500 to 50,000 rows, on 10,000 rows beyond, and on none below 500; random on a
 * data_split_eval_fraction chosen by a fixed hash of the row's position; seq on the rows last by
 * data_split_col; custom on the rows whose boolean data_split_col is TRUE; no_split on none.
 */
export function splitRows(data: Rows, payload: TrainPayload): { train: unknown[][]; evaluation: unknown[][]; dropped: number } {
  const labelAt = data.index.get(payload.label.name)!;
  const regression = payload.task === 'regression';
  const labelled = data.rows.filter((row) => (regression ? numberValue(row[labelAt]) !== null : categoryValue(row[labelAt]) !== null));
  const dropped = data.rows.length - labelled.length;
  const h = payload.hyperparameters;
  const n = labelled.length;
  let evaluation: unknown[][] = [];
  let train: unknown[][] = labelled;
  const byFraction = (fraction: number) => {
    train = [];
    evaluation = [];
    labelled.forEach((row, i) => (unitHash(i) < fraction ? evaluation : train).push(row));
  };
  switch (h.dataSplitMethod) {
    case 'no_split':
      break;
    case 'auto_split':
      if (n >= 500) byFraction(n <= 50_000 ? 0.2 : 10_000 / n);
      break;
    case 'random':
      byFraction(h.dataSplitEvalFraction);
      break;
    case 'seq': {
      const at = data.index.get(h.dataSplitCol!)!;
      const key = (row: unknown[]) => row[at];
      const sorted = labelled
        .map((row, i) => ({ row, i }))
        .sort((a, b) => compare(key(a.row), key(b.row)) || a.i - b.i)
        .map((r) => r.row);
      const cut = Math.round(n * (1 - h.dataSplitEvalFraction));
      train = sorted.slice(0, cut);
      evaluation = sorted.slice(cut);
      break;
    }
    case 'custom': {
      const at = data.index.get(h.dataSplitCol!)!;
      train = labelled.filter((row) => row[at] !== true);
      evaluation = labelled.filter((row) => row[at] === true);
      break;
    }
  }
  if (train.length === 0) throw new PermanentJobError('no labelled rows are left to train on after the evaluation split');
  return { train, evaluation, dropped };
}

/** NULLs first, numbers by value, the rest by their text. */
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The classes of a classifier's label, sorted (numerically when every class is a number). */
export function classesOf(rows: unknown[][], labelAt: number): string[] {
  const seen = new Set<string>();
  for (const row of rows) {
    const key = categoryValue(row[labelAt]);
    if (key !== null) seen.add(key);
  }
  const classes = [...seen];
  const numeric = classes.every((c) => numberValue(c) !== null);
  return classes.sort((a, b) => (numeric ? numberValue(a)! - numberValue(b)! : a < b ? -1 : a > b ? 1 : 0));
}

export interface Encoded {
  x: Float32Array;
  /** One-hot classes (classifiers) or the standardized label (regressors). */
  y: Float32Array;
  n: number;
  /** The label as read (class index for classifiers, the number for regressors). */
  truth: number[];
}

/** Encodes rows with the fitted preprocessing; regressors' labels are standardized with `scaling`. */
export function encode(
  rows: unknown[][],
  data: Rows,
  features: FeatureSpec[],
  label: { at: number; classes: string[] | null; scaling: { mean: number; std: number } | null },
): Encoded {
  const encoder = new FeatureEncoder(features);
  const at = features.map((f) => data.index.get(f.name)!);
  const n = rows.length;
  const x = new Float32Array(n * encoder.width);
  const width = label.classes ? label.classes.length : 1;
  const y = new Float32Array(n * width);
  const truth: number[] = new Array(n);
  const classIndex = label.classes ? new Map(label.classes.map((c, i) => [c, i])) : null;
  rows.forEach((row, r) => {
    encoder.encodeInto((i) => row[at[i]], x, r * encoder.width);
    if (classIndex) {
      const k = classIndex.get(categoryValue(row[label.at])!);
      if (k === undefined) throw new PermanentJobError(`a row's label is not one of the classes`);
      y[r * width + k] = 1;
      truth[r] = k;
    } else {
      const v = numberValue(row[label.at])!;
      y[r] = label.scaling ? (v - label.scaling.mean) / label.scaling.std : v;
      truth[r] = v;
    }
  });
  return { x, y, n, truth };
}
