import { describe, expect, it } from 'vitest';
import { distinctEstimate, scaleCounts } from '../profile.js';

describe('Profile from a sample: the distinct-count estimate', () => {
  it('gives the values seen when none was seen once, and the whole count when every one was', () => {
    expect(distinctEstimate(30_000, 8, 0, 1_000_000)).toBe(8);
    expect(distinctEstimate(30_000, 30_000, 30_000, 1_000_000)).toBe(1_000_000);
  });

  it('stays between the values seen and the values present', () => {
    for (const [n, d, f1, N] of [
      [30_000, 20_000, 15_000, 1_000_000],
      [30_000, 29_000, 28_500, 40_000],
      [1000, 300, 10, 6000],
    ]) {
      const estimate = distinctEstimate(n, d, f1, N);
      expect(estimate).toBeGreaterThanOrEqual(d);
      expect(estimate).toBeLessThanOrEqual(N);
      expect(Number.isInteger(estimate)).toBe(true);
    }
  });

  it('is exact when the sample is the whole column, and says 1 for a column present but unseen', () => {
    expect(distinctEstimate(500, 123, 40, 500)).toBe(123);
    expect(distinctEstimate(0, 0, 0, 10)).toBe(1);
    expect(distinctEstimate(0, 0, 0, 0)).toBe(0);
  });
});

describe('Profile from a sample: histogram counts scaled to the column', () => {
  it('adds up to the column count and keeps the proportions', () => {
    const bins = [10, 20, 30, 0, 0, 0, 0, 0, 0, 40].map((count) => ({ count }));
    scaleCounts(bins, 100, 1001);
    // 100.1, 200.2, 300.3 and 400.4: the one left over goes to the largest remainder.
    expect(bins.map((b) => b.count)).toEqual([100, 200, 300, 0, 0, 0, 0, 0, 0, 401]);
  });

  it('never leaves the bins of the minimum and the maximum empty', () => {
    // The sample missed both ends; the whole column has a value in each.
    const bins = [0, 50, 50, 0].map((count) => ({ count }));
    scaleCounts(bins, 100, 1000);
    expect(bins[0].count).toBeGreaterThan(0);
    expect(bins[3].count).toBeGreaterThan(0);
    expect(bins.map((b) => b.count).reduce((a, b) => a + b, 0)).toBe(1000);
  });
});
