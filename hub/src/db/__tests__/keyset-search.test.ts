import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { filterText, keysetRequest, type SortKey } from '../keyset-search.js';

const SORTS: Record<'relevance' | 'stars' | 'updated', SortKey> = {
  relevance: { expr: 'ts_rank(x.search, q)', type: 'real' },
  stars: { expr: 'x.stars', type: 'int' },
  updated: { expr: 'x.updated_at', type: 'timestamptz' },
};
const DEFAULTS = { relevance: 'relevance', otherwise: 'updated' } as const;
const ID = '0b7c6a8e-1f0e-4c1a-9d7e-2f7b1a6c9e01';
const cursor = (...value: unknown[]) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The field named by the BAD_USER_INPUT `run` throws. */
function refusedField(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_USER_INPUT');
    return (error as AppError).fields[0].field;
  }
  throw new Error('accepted');
}

describe('Keyset search: checking a request', () => {
  it('defaults to relevance with text and to the other sort without', () => {
    expect(keysetRequest({ search: '  cats ' }, {}, SORTS, DEFAULTS)).toEqual({ text: 'cats', sort: 'relevance', first: 20, after: null });
    expect(keysetRequest({ search: '   ' }, { first: 100 }, SORTS, DEFAULTS)).toEqual({ text: '', sort: 'updated', first: 100, after: null });
  });

  it('refuses relevance without text, first out of range and text over 200 characters, naming the field', () => {
    expect(refusedField(() => keysetRequest({ sort: 'relevance' }, {}, SORTS, DEFAULTS))).toBe('sort');
    for (const first of [0, 101, 1.5, -3]) expect(refusedField(() => keysetRequest({}, { first }, SORTS, DEFAULTS))).toBe('first');
    expect(refusedField(() => keysetRequest({ search: 'x'.repeat(201) }, {}, SORTS, DEFAULTS))).toBe('search');
    expect(keysetRequest({ search: 'x'.repeat(200) }, {}, SORTS, DEFAULTS).text).toHaveLength(200);
  });

  it('takes back only cursors of the same sort whose key PostgreSQL will parse as the sort key’s type', () => {
    expect(keysetRequest({ sort: 'stars' }, { after: cursor('stars', '42', ID) }, SORTS, DEFAULTS).after).toEqual({ key: '42', id: ID });
    expect(keysetRequest({}, { after: cursor('updated', '2026-11-28 10:11:12.345+05:30', ID) }, SORTS, DEFAULTS).after?.key).toBe('2026-11-28 10:11:12.345+05:30');
    expect(keysetRequest({ search: 'a' }, { after: cursor('relevance', '0.0607927', ID) }, SORTS, DEFAULTS).after?.key).toBe('0.0607927');
    const bad: [string, unknown[]][] = [
      ['stars', ['updated', '42', ID]],
      ['stars', ['stars', '1.5', ID]],
      ['stars', ['stars', '99999999999', ID]],
      ['stars', ['stars', '42', 'not-a-uuid']],
      ['stars', ['stars', 42, ID]],
      ['updated', ['updated', '2026-02-30 10:00:00+00', ID]],
      ['updated', ['updated', 'yesterday', ID]],
      ['relevance', ['relevance', '1e-50', ID]],
      ['relevance', ['relevance', 'NaN', ID]],
    ];
    for (const [sort, value] of bad) {
      const search = sort === 'relevance' ? 'a' : null;
      expect(refusedField(() => keysetRequest({ search, sort: sort as 'stars' }, { after: cursor(...value) }, SORTS, DEFAULTS)), JSON.stringify(value)).toBe('after');
    }
    expect(refusedField(() => keysetRequest({}, { after: 'not base64 json' }, SORTS, DEFAULTS))).toBe('after');
  });
});

describe('Keyset search: filter values', () => {
  it('trims, drops NUL characters, treats empty as absent and refuses what is too long', () => {
    expect(filterText('tag', '  red ')).toBe('red');
    expect(filterText('tag', 'a\u0000b')).toBe('ab');
    expect(filterText('tag', ' \u0000 ')).toBeNull();
    expect(filterText('tag', null)).toBeNull();
    expect(refusedField(() => filterText('tag', 'x'.repeat(201)))).toBe('tag');
  });
});
