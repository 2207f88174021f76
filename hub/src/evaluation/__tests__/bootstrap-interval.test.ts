/**
 * The percentile bootstrap: by hand on a tiny case with an injected random source, deterministic
 * for a seed, sound coverage on a known distribution, and defined answers at the edges.
 */
import * as ss from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { accuracy, bootstrapInterval, meanAbsoluteError, quantileSorted, rocAuc, seededRandom } from '../index.js';

const mean = (values: number[]) => (rows: Int32Array) => ss.mean([...rows].map((r) => values[r]));

describe('Evaluation: the bootstrap confidence interval', () => {
  it('draws rows as ⌊u·n⌋ from the injected random source and takes type-7 percentiles: checked by hand', () => {
    // n = 2, values [0, 10]; u sequence → resamples [0,0], [0,1], [1,1], [1,0] → means 0, 5, 10, 5.
    const us = [0.1, 0.2, 0.3, 0.7, 0.6, 0.9, 0.99, 0.0];
    let i = 0;
    const interval = bootstrapInterval(2, mean([0, 10]), { resamples: 4, confidence: 0.5, random: () => us[i++] });
    expect(i).toBe(8);
    // sorted [0, 5, 5, 10]: the 25th percentile at h = 0.75 → 3.75; the 75th at h = 2.25 → 6.25.
    expect(interval).toEqual({ low: 3.75, high: 6.25, confidence: 0.5, resamples: 4, used: 4 });
    expect(quantileSorted([0, 5, 5, 10], 0.25)).toBe(3.75);
  });

  it('is deterministic for a seed, differs between seeds, and defaults to 1000 resamples at 95 %', () => {
    const values = Array.from({ length: 50 }, (_, i) => (i * 37) % 11);
    const a = bootstrapInterval(50, mean(values), { seed: 9 });
    const b = bootstrapInterval(50, mean(values), { seed: 9 });
    const c = bootstrapInterval(50, mean(values), { seed: 10 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).toMatchObject({ confidence: 0.95, resamples: 1000, used: 1000 });
    expect(a!.low).toBeLessThan(ss.mean(values));
    expect(a!.high).toBeGreaterThan(ss.mean(values));
    // The seeded source is the documented default.
    expect(bootstrapInterval(50, mean(values), { random: seededRandom(0) })).toEqual(bootstrapInterval(50, mean(values)));
  });

  it('covers a mean like the normal theory does: about ±1.96 σ/√n at 95 %, narrower at 80 %', () => {
    const rand = seededRandom(123);
    // Box–Muller normals, σ = 2.
    const values = Array.from({ length: 400 }, () => 2 * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
    const se = ss.sampleStandardDeviation(values) / Math.sqrt(values.length);
    const wide = bootstrapInterval(values.length, mean(values), { seed: 1, resamples: 2000 })!;
    expect((wide.high - wide.low) / (2 * 1.96 * se)).toBeGreaterThan(0.85);
    expect((wide.high - wide.low) / (2 * 1.96 * se)).toBeLessThan(1.15);
    const narrow = bootstrapInterval(values.length, mean(values), { seed: 1, resamples: 2000, confidence: 0.8 })!;
    expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low);
  });

  it('works with every metric through its row indices', () => {
    const p = { classes: 2, truth: [0, 1, 1, 0, 1, 0, 1, 1], probabilities: [0.8, 0.2, 0.3, 0.7, 0.4, 0.6, 0.6, 0.4, 0.1, 0.9, 0.7, 0.3, 0.45, 0.55, 0.2, 0.8] };
    const interval = bootstrapInterval(8, (rows) => accuracy(p, rows), { seed: 4, resamples: 200 })!;
    expect(interval.low).toBeGreaterThanOrEqual(0);
    expect(interval.high).toBeLessThanOrEqual(1);
    expect(interval.low).toBeLessThanOrEqual(accuracy(p)!);
    const mae = bootstrapInterval(4, (rows) => meanAbsoluteError({ truth: [1, 2, 3, 4], predicted: [1, 3, 3, 6] }, rows), { seed: 2 })!;
    expect(mae.low).toBeGreaterThanOrEqual(0);
    expect(mae.high).toBeLessThanOrEqual(2);
  });

  it('leaves out resamples where the metric is undefined, and answers null when none or no rows', () => {
    // Two rows, one positive: a resample of one class only has no AUC.
    const auc = (rows: Int32Array) => rocAuc([...rows].map((r) => [0.2, 0.9][r]), [...rows].map((r) => r === 1));
    const interval = bootstrapInterval(2, auc, { seed: 5, resamples: 400 })!;
    expect(interval.used).toBeLessThan(400);
    expect(interval.used).toBeGreaterThan(100);
    expect([interval.low, interval.high]).toEqual([1, 1]);
    expect(bootstrapInterval(1, auc, { seed: 5 })).toBeNull();
    expect(bootstrapInterval(0, mean([]))).toBeNull();
  });

  it('refuses options outside their range with a clear error', () => {
    expect(() => bootstrapInterval(3, mean([1, 2, 3]), { resamples: 0 })).toThrow(/resamples must be a whole number/);
    expect(() => bootstrapInterval(3, mean([1, 2, 3]), { resamples: 2.5 })).toThrow(/resamples/);
    expect(() => bootstrapInterval(3, mean([1, 2, 3]), { confidence: 1 })).toThrow(/confidence must be strictly between 0 and 1/);
    expect(() => bootstrapInterval(-1, mean([]))).toThrow(/n must be/);
  });
});
