import { describe, expect, it } from 'vitest';
import { duplicatePlan } from '../duplicate-rows.js';

const col = (name: string, distinct: number, missing = 0, count = 100) => ({ name, count, missing, distinct });

describe('Profile: how duplicate rows are counted', () => {
  it('reads nothing when a column tells every row apart, a single NULL counting as a value', () => {
    expect(duplicatePlan([col('a', 3), col('id', 100)], 100)).toEqual({ kind: 'none' });
    expect(duplicatePlan([col('id', 99, 1)], 100)).toEqual({ kind: 'none' });
    expect(duplicatePlan([], 0)).toEqual({ kind: 'none' });
    expect(duplicatePlan([col('a', 1, 0, 1)], 1)).toEqual({ kind: 'none' });
  });

  it('compares only the rows sharing a value of the most distinct column when few can', () => {
    // 100 rows, 90 groups: at most 2 × 10 = 20 rows share a value (≤ 25 %).
    expect(duplicatePlan([col('a', 5), col('b', 90)], 100)).toEqual({ kind: 'narrowed', key: 'b', nullsRepeat: false });
    // Two NULLs may be equal rows: they are compared too.
    expect(duplicatePlan([col('b', 88, 2)], 100)).toEqual({ kind: 'narrowed', key: 'b', nullsRepeat: true });
  });

  it('compares every row when many share every column value', () => {
    expect(duplicatePlan([col('a', 5), col('b', 80)], 100)).toEqual({ kind: 'full' });
  });
});
