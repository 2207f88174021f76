import { describe, expect, it } from 'vitest';
import { FeatureEncoder, featureSpec, fitPreprocessing, MISSING_CATEGORY, type FeatureColumn } from '../preprocessing.js';

const columns: FeatureColumn[] = [
  { name: 'size', type: 'number' },
  { name: 'flat', type: 'integer' },
  { name: 'city', type: 'category' },
  { name: 'open', type: 'boolean' },
];
const rows: unknown[][] = [
  [1, 5, 'Oslo', true],
  [3, 5, 'Rome', false],
  [null, 5, 'Oslo', null],
  ['5', 5, null, true],
];

describe('Preprocessing: fitted on training rows, applied to raw records', () => {
  const features = fitPreprocessing(columns, rows, (row, i) => row[i], 10);

  it('standardizes numbers with the mean and population deviation of the values present, and a constant column with std 1', () => {
    expect(features[0]).toEqual({ name: 'size', type: 'number', preprocessing: { kind: 'standardize', mean: 3, std: Math.sqrt(8 / 3) } });
    expect(features[1].preprocessing).toEqual({ kind: 'standardize', mean: 5, std: 1 });
  });

  it('one-hot encodes text and booleans over the most frequent values first, ending with the reserved missing entry', () => {
    expect(features[2].preprocessing).toEqual({ kind: 'one_hot', vocabulary: ['Oslo', 'Rome', MISSING_CATEGORY] });
    expect(features[3].preprocessing).toEqual({ kind: 'one_hot', vocabulary: ['true', 'false', MISSING_CATEGORY] });
    for (const f of features) expect(featureSpec.parse(f)).toEqual(f);
  });

  it('caps a vocabulary at the most frequent values; the rest count as unseen', () => {
    const many = Array.from({ length: 30 }, (_, i) => [`v${i % 5 === 0 ? 'common' : i}`]);
    const [city] = fitPreprocessing([{ name: 'c', type: 'text' }], many, (row) => row[0], 3);
    expect(city.preprocessing.kind === 'one_hot' && city.preprocessing.vocabulary).toEqual(['vcommon', 'v1', 'v11', MISSING_CATEGORY]);
  });

  it('encodes a raw record: NULL numbers become the mean, NULL and unseen categories the missing slot, a missing key counts as NULL', () => {
    const encoder = new FeatureEncoder(features);
    expect(encoder.width).toBe(1 + 1 + 3 + 3);
    const row = [...encoder.encodeRecord({ size: 5, flat: null, city: 'Paris', open: false })];
    expect(row[0]).toBeCloseTo(2 / Math.sqrt(8 / 3), 6);
    expect(row.slice(1)).toEqual([0, 0, 0, 1, 0, 1, 0]);
    expect([...encoder.encodeRecord({})]).toEqual([0, 0, 0, 0, 1, 0, 0, 1]);
  });

  it('refuses a stored vocabulary without the reserved entry, or with a duplicate', () => {
    expect(featureSpec.safeParse({ name: 'c', type: 'category', preprocessing: { kind: 'one_hot', vocabulary: ['a'] } }).success).toBe(false);
    expect(featureSpec.safeParse({ name: 'c', type: 'category', preprocessing: { kind: 'one_hot', vocabulary: ['a', 'a', MISSING_CATEGORY] } }).success).toBe(false);
    expect(featureSpec.safeParse({ name: 'n', type: 'number', preprocessing: { kind: 'standardize', mean: 0, std: 0 } }).success).toBe(false);
  });
});
