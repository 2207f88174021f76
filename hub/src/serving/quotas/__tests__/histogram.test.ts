import { describe, expect, it } from 'vitest';
import { BATCH_SIZE_BOUNDS, batchSizeBucket, LATENCY_BOUNDS_MS, LATENCY_BUCKETS, latencyBucket, latencyQuantile } from '../histogram.js';

describe('Usage histograms', () => {
  it('put a latency in the first bucket whose bound is not below it, and the rest (or a non-number) in the overflow bucket', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(0.5)).toBe(0);
    expect(latencyBucket(0.51)).toBe(1);
    expect(latencyBucket(10)).toBe(LATENCY_BOUNDS_MS.indexOf(10));
    expect(latencyBucket(1e9)).toBe(LATENCY_BUCKETS - 1);
    expect(latencyBucket(Number.NaN)).toBe(LATENCY_BUCKETS - 1);
  });

  it('count batch sizes exactly up to 8 and clamp what is past the largest batch', () => {
    expect([1, 2, 8, 9, 10, 1024, 5000].map((s) => BATCH_SIZE_BOUNDS[batchSizeBucket(s)])).toEqual([1, 2, 8, 10, 10, 1024, 1024]);
  });

  it('estimate quantiles within the bucket that holds them; none of an empty histogram', () => {
    const counts = new Array(LATENCY_BUCKETS).fill(0);
    expect(latencyQuantile(counts, 0.5)).toBeNull();
    counts[latencyBucket(4)] = 100; // all in (3, 5]
    expect(latencyQuantile(counts, 0.5)).toBeCloseTo(4, 5);
    expect(latencyQuantile(counts, 1)).toBeCloseTo(5, 5);
    counts[LATENCY_BUCKETS - 1] = 100; // as many past the last bound
    expect(latencyQuantile(counts, 0.99)).toBe(LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]);
  });
});
