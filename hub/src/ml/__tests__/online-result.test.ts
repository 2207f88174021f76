/**
 * ML.PREDICT's rows from an online answer are the rows a predict job gives: the input columns as
 * read back from the database, then predicted_<label> (the most probable class, the first on a tie)
 * and predicted_<label>_probs in class order, or a regressor's value.
 */
import { describe, expect, it } from 'vitest';
import { onlineRecords, onlineResultRows, predictedValues } from '../predicted-values.js';

describe('ML.PREDICT predicted columns', () => {
  it('picks the most probable class, the first one on a tie, and lists every class in order', () => {
    expect(predictedValues('classification', ['no', 'yes'], [0.2, 0.8])).toEqual(['yes', [{ label: 'no', prob: 0.2 }, { label: 'yes', prob: 0.8 }]]);
    expect(predictedValues('classification', ['a', 'b', 'c'], [0.25, 0.5, 0.5])).toEqual(['b', [{ label: 'a', prob: 0.25 }, { label: 'b', prob: 0.5 }, { label: 'c', prob: 0.5 }]]);
    expect(predictedValues('classification', ['a', 'b'], [0.5, 0.5])[0]).toBe('a');
  });

  it('never picks a missing (non-finite) output, and shows it as null', () => {
    expect(predictedValues('classification', ['no', 'yes'], [null, 0.1])).toEqual(['yes', [{ label: 'no', prob: null }, { label: 'yes', prob: 0.1 }]]);
  });

  it('keeps a regressor’s value as it is', () => {
    expect(predictedValues('regression', [], [42.5])).toEqual([42.5]);
    expect(predictedValues('regression', [], [null])).toEqual([null]);
  });
});

describe('ML.PREDICT answered online', () => {
  it('sends the feature columns of each input row as raw records, nothing else', () => {
    const records = onlineRecords(['id', 'tenure', 'plan', 'churned'], [[1, 12, 'pro', 'no'], [2, null, 'basic', 'yes']], ['tenure', 'plan']);
    expect(records).toEqual([{ tenure: 12, plan: 'pro' }, { tenure: null, plan: 'basic' }]);
  });

  it('answers each input row followed by its predicted columns, as the job’s rows read back', () => {
    const input = [
      [1, '12', 'pro', new Date('2026-01-02T03:04:05.000Z')],
      [2, null, 'basic', null],
    ];
    const rows = onlineResultRows('classification', ['no', 'yes'], input, [
      [0.7, 0.3],
      [0.4, 0.6],
    ]);
    expect(rows).toEqual([
      [1, '12', 'pro', '2026-01-02T03:04:05.000Z', 'no', [{ label: 'no', prob: 0.7 }, { label: 'yes', prob: 0.3 }]],
      [2, null, 'basic', null, 'yes', [{ label: 'no', prob: 0.4 }, { label: 'yes', prob: 0.6 }]],
    ]);
    expect(onlineResultRows('regression', [], [[1], [2]], [[3.5], [null]])).toEqual([
      [1, 3.5],
      [2, null],
    ]);
  });

  it('refuses an answer that does not fit the version (the job answers then)', () => {
    expect(onlineResultRows('classification', ['no', 'yes'], [[1], [2]], [[0.5, 0.5]])).toBeNull();
    expect(onlineResultRows('classification', ['no', 'yes'], [[1]], [[1]])).toBeNull();
    expect(onlineResultRows('regression', [], [[1]], [[1, 2]])).toBeNull();
  });
});
