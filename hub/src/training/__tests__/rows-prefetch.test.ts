import { describe, expect, it } from 'vitest';
import { MAX_JOBS_AHEAD, RowsPrefetch } from '../rows-prefetch.js';

const chunks = [
  { offset: 0, first: 50 },
  { offset: 50, first: 50 },
];

describe('RowsPrefetch', () => {
  it('answers a request for a chunk read ahead once, and nothing for a chunk it did not read', async () => {
    const reads: number[] = [];
    const prefetch = new RowsPrefetch();
    prefetch.start('job', chunks, async (offset) => {
      reads.push(offset);
      return `chunk ${offset}`;
    });
    expect(await prefetch.take('job', 50, 50)).toBe('chunk 50');
    expect(await prefetch.take('job', 50, 50)).toBeNull();
    expect(await prefetch.take('job', 0, 49)).toBeNull(); // another size is another request
    expect(await prefetch.take('other', 0, 50)).toBeNull();
    expect(await prefetch.take('job', 0, 50)).toBe('chunk 0');
    expect(reads).toEqual([0, 50]);
  });

  it('forgets a chunk whose read failed, so the request reads it again', async () => {
    const prefetch = new RowsPrefetch();
    prefetch.start('job', chunks, async (offset) => {
      if (offset === 0) throw new Error('the sandbox is busy');
      return 'ok';
    });
    expect(await prefetch.take('job', 0, 50)).toBeNull();
    expect(await prefetch.take('job', 50, 50)).toBe('ok');
  });

  it(`reads ahead for at most ${MAX_JOBS_AHEAD} jobs at once, and for another once one is served`, async () => {
    const prefetch = new RowsPrefetch();
    const read = async (offset: number) => String(offset);
    for (let i = 0; i <= MAX_JOBS_AHEAD; i++) prefetch.start(`job${i}`, chunks.slice(0, 1), read);
    expect(await prefetch.take(`job${MAX_JOBS_AHEAD}`, 0, 50)).toBeNull();
    expect(await prefetch.take('job0', 0, 50)).toBe('0');
    prefetch.start('late', chunks.slice(0, 1), read);
    expect(await prefetch.take('late', 0, 50)).toBe('0');
  });
});
