import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { createMetrics } from '../../metrics.js';
import { countedUpload } from '../counted-upload.js';

describe('countedUpload', () => {
  it('counts an upload once it settles: created, the error code it failed with, or INTERNAL', async () => {
    const { uploads } = createMetrics();
    expect(await countedUpload(uploads, 'dataset', Promise.resolve(7))).toBe(7);
    await expect(countedUpload(uploads, 'dataset', Promise.reject(new AppError('BAD_USER_INPUT', 'no')))).rejects.toThrow('no');
    await expect(countedUpload(uploads, 'model', Promise.reject(new Error('socket hang up')))).rejects.toThrow('socket hang up');
    const counted = (await uploads.get()).values.map((v) => [v.labels.kind, v.labels.outcome, v.value]);
    expect(counted).toEqual([
      ['dataset', 'created', 1],
      ['dataset', 'BAD_USER_INPUT', 1],
      ['model', 'INTERNAL', 1],
    ]);
  });
});
