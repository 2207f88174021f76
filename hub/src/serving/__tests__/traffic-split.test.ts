import { describe, expect, it } from 'vitest';
import { agreement } from '../split/agreement.js';
import { chooseVariant, keyPoint } from '../split/choose-variant.js';
import { variantReplicas } from '../split/variants.js';

const v = (versionNumber: number, weight: number, shadow = false) => ({ versionNumber, weight, shadow });

describe('Traffic split: choosing a variant', () => {
  const split = [v(3, 95), v(4, 5), v(5, 100, true)];
  const all = () => true;

  it('lays the weight ranges end to end: a point falls into the variant of its range, never a shadow', () => {
    expect(chooseVariant(split, all, 0)!.versionNumber).toBe(3);
    expect(chooseVariant(split, all, 0.9499)!.versionNumber).toBe(3);
    expect(chooseVariant(split, all, 0.95)!.versionNumber).toBe(4);
    expect(chooseVariant(split, all, 0.9999)!.versionNumber).toBe(4);
  });

  it('passes over a variant with no ready replica (weight 0 too), and answers none when no variant is ready', () => {
    expect(chooseVariant(split, (x) => x.versionNumber !== 4, 0.97)!.versionNumber).toBe(3);
    expect(chooseVariant([v(1, 0), v(2, 100)], all, 0)!.versionNumber).toBe(2);
    expect(chooseVariant(split, (x) => x.versionNumber === 5, 0.5)).toBeUndefined();
  });

  it('hashes a key to the same point every time, and keys spread evenly', () => {
    expect(keyPoint('d1', 'alice')).toBe(keyPoint('d1', 'alice'));
    expect(keyPoint('d1', 'alice')).not.toBe(keyPoint('d2', 'alice'));
    const points = Array.from({ length: 10_000 }, (_, i) => keyPoint('d1', `user-${i}`));
    const low = points.filter((p) => p < 0.1).length;
    expect(low).toBeGreaterThan(900);
    expect(low).toBeLessThan(1100);
  });
});

describe('Traffic split: replicas per variant', () => {
  it('gives every variant one replica and shares the rest by weight (largest remainder)', () => {
    expect(variantReplicas(2, [v(1, 90), v(2, 10)])).toEqual([1, 1]);
    expect(variantReplicas(10, [v(1, 95), v(2, 5)])).toEqual([9, 1]);
    expect(variantReplicas(6, [v(1, 50), v(2, 50), v(3, 100, true)])).toEqual([2, 2, 2]);
    expect(variantReplicas(1, [v(1, 100), v(2, 0)])).toEqual([1, 1]);
    expect(variantReplicas(0, [v(1, 90), v(2, 10)])).toEqual([0, 0]);
  });
});

describe('Traffic split: shadow agreement', () => {
  it('compares classifiers by the most probable class label, whatever the class order', () => {
    const primary = { task: 'classification' as const, labels: ['a', 'b'], outputs: [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]] };
    const shadow = { task: 'classification' as const, labels: ['b', 'a'], outputs: [[0.3, 0.7], [0.9, 0.1], [0.7, 0.3]] };
    expect(agreement(primary, shadow)).toEqual({ compared: 3, agreed: 2 });
  });

  it('compares regressors within 1 % (0.01 below 1 in size)', () => {
    const primary = { task: 'regression' as const, labels: [], outputs: [[200], [0.5], [10], [null]] };
    const shadow = { task: 'regression' as const, labels: [], outputs: [[201.9], [0.509], [10.2], [null]] };
    expect(agreement(primary, shadow)).toEqual({ compared: 4, agreed: 3 });
  });
});
