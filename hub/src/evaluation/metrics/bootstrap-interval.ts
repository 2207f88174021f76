/**
 * A percentile bootstrap confidence interval for any metric (Efron & Tibshirani, "An Introduction
 * to the Bootstrap", ch. 13): draw `resamples` samples of n rows with replacement, score the
 * metric on each, and take the (1 − confidence)/2 and (1 + confidence)/2 quantiles of those scores
 * (linear interpolation between order statistics: R's type 7, numpy's default).
 *
 * Deterministic: rows are drawn as ⌊u · n⌋ from `random` (uniform in [0, 1)), by default
 * {@link seededRandom}(seed), so the same data, metric, options and seed give the same interval on
 * every hub. A resample on which the metric is undefined (null: say, one true class only, for
 * ROC AUC) is left out; `used` says how many counted. Null for no rows, or when no resample scored.
 */
import { seededRandom } from './seeded-random.js';

export interface BootstrapOptions {
  /** Samples drawn (default 1000; 1 to 100,000). */
  resamples?: number;
  /** The interval's coverage, strictly between 0 and 1 (default 0.95). */
  confidence?: number;
  /** Seeds the default random source (default 0). */
  seed?: number;
  /** Uniform numbers in [0, 1); replaces the seeded source (tests inject one). */
  random?: () => number;
}

export interface BootstrapInterval {
  low: number;
  high: number;
  confidence: number;
  resamples: number;
  /** Resamples on which the metric was defined (the interval's quantiles are of these). */
  used: number;
}

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_CONFIDENCE = 0.95;
const MAX_RESAMPLES = 100_000;

/** The q-quantile of ascending `sorted` values, interpolated linearly (type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * `metric(rows)` scores the rows with these indices (repeats allowed), as every metric of this
 * folder does with its `rows` argument: `bootstrapInterval(n, (rows) => accuracy(p, rows))`.
 */
export function bootstrapInterval(n: number, metric: (rows: Int32Array) => number | null, options: BootstrapOptions = {}): BootstrapInterval | null {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isInteger(resamples) || resamples < 1 || resamples > MAX_RESAMPLES) throw new RangeError(`resamples must be a whole number from 1 to ${MAX_RESAMPLES}, not ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be strictly between 0 and 1, not ${confidence}`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number of rows, not ${n}`);
  if (n === 0) return null;
  const random = options.random ?? seededRandom(options.seed ?? 0);
  const rows = new Int32Array(n);
  const scores: number[] = [];
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) rows[i] = Math.min(n - 1, Math.floor(random() * n));
    const score = metric(rows);
    if (score !== null && Number.isFinite(score)) scores.push(score);
  }
  if (scores.length === 0) return null;
  scores.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return { low: quantileSorted(scores, tail), high: quantileSorted(scores, 1 - tail), confidence, resamples, used: scores.length };
}
