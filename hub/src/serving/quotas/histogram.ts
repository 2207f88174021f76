/**
 * Fixed-bucket histograms the meter keeps per minute: small arrays that add up across requests,
 * hubs and minutes, from which p50/p99 are estimated (within a bucket, by linear interpolation).
 */

/** Upper bounds (inclusive) of the latency buckets, in milliseconds; one more bucket holds the rest. */
export const LATENCY_BOUNDS_MS = [0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10_000, 30_000];
/** Upper bounds of the batch size buckets (exact up to 8); sizes above the last fall in the last. */
export const BATCH_SIZE_BOUNDS = [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 20, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024];

export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;
export const BATCH_SIZE_BUCKETS = BATCH_SIZE_BOUNDS.length;

/** The bucket `value` falls in: the first whose bound is not below it; past the last bound, `overflow`. */
export function bucketOf(bounds: readonly number[], value: number, overflow: number): number {
  for (let i = 0; i < bounds.length; i++) if (value <= bounds[i]) return i;
  return overflow;
}

export const latencyBucket = (ms: number) => bucketOf(LATENCY_BOUNDS_MS, Number.isFinite(ms) ? ms : Infinity, LATENCY_BOUNDS_MS.length);
export const batchSizeBucket = (size: number) => bucketOf(BATCH_SIZE_BOUNDS, size, BATCH_SIZE_BOUNDS.length - 1);

/**
 * The q-quantile (0 < q ≤ 1) of the latency histogram `counts`, null when it is empty. Within a
 * bucket values are taken as spread evenly; the overflow bucket answers its lower bound.
 */
export function latencyQuantile(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const target = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c > 0 && below + c >= target) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
      const upper = LATENCY_BOUNDS_MS[i] ?? lower;
      return lower + ((upper - lower) * (target - below)) / c;
    }
    below += c;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
}

/** Adds `b` into `a` element by element (either may be shorter). */
export function addCounts(a: number[], b: readonly number[]): number[] {
  for (let i = 0; i < b.length; i++) a[i] = (a[i] ?? 0) + b[i];
  return a;
}
