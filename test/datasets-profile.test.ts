/**
 * The exploration profile and the row preview of a dataset version, against PostgreSQL and the embedded PostgreSQL server.
 * Every profile figure is checked against an independent computation on the same generated
 * data: simple-statistics for mean, median, standard deviation, variance and correlation; plain
 * JavaScript for counts, histogram bins, top values and duplicates; quartiles by hand with linear
 * interpolation between closest ranks (R type 7, what percentile_cont computes).
 */
import * as ss from 'simple-statistics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from './support/datasets.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';

/** mulberry32: the same data on every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Row {
  n: number;
  x: number | null;
  y: number | null;
  cat: string | null;
  day: string | null;
  flag: boolean | null;
  note: string;
}

function generate(count: number): Row[] {
  const random = rng(42);
  const cats = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const n = Math.floor(random() * 100);
    const x = random() < 0.1 ? null : Math.round((n * 0.5 + random() * 20 - 10) * 1e6) / 1e6;
    const y = random() < 0.05 ? null : random() * 1000 - 300;
    rows.push({
      n,
      x,
      y,
      cat: random() < 0.08 ? null : cats[Math.floor(random() ** 2 * cats.length)],
      day: random() < 0.1 ? null : `2024-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
      flag: random() < 0.1 ? null : random() < 0.3,
      note: `note${String(Math.floor(random() * 300)).padStart(3, '0')}`,
    });
  }
  // Exact duplicates of earlier rows.
  for (const i of [3, 7, 7, 50]) rows.push({ ...rows[i] });
  return rows;
}

const ROWS = generate(400);
const cell = (v: unknown) => (v === null ? 'NA' : String(v));
const CSV = ['n,x,y,cat,day,flag,note', ...ROWS.map((r) => [r.n, r.x, r.y, r.cat, r.day, r.flag, r.note].map(cell).join(','))].join('\n');

function close(actual: number, expected: number, relative = 1e-9) {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

/** Linear interpolation between closest ranks (R type 7), as percentile_cont. */
function type7(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

const present = <K extends keyof Row>(key: K) => ROWS.map((r) => r[key]).filter((v): v is NonNullable<Row[K]> => v !== null);

const ROWS_QUERY = `query($o: String!, $n: String!, $first: Int, $after: String, $orderBy: String, $direction: SortDirection, $filters: [RowFilter!]) {
  datasetVersion(owner: $o, name: $n) { rows(first: $first, after: $after, orderBy: $orderBy, direction: $direction, filters: $filters) {
    columns rows totalCount pageInfo { hasNextPage endCursor } } } }`;

describe.each(BACKENDS)('Dataset profile and preview on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  let name: string;
  let profile: any;

  beforeAll(async () => {
    hub = await startTestHub({ backend });
    alice = await signUp(hub);
    name = (await createDataset(hub, alice.token, { name: uniqueName('p') })).name;
    const res = await upload(hub, alice.token, alice.username, name, CSV);
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    const v = await hub.graphql(`query($o: String!, $n: String!) { datasetVersion(owner: $o, name: $n) { profile columns { name type } } }`, { o: alice.username, n: name }, alice.token);
    profile = v.data.datasetVersion.profile;
    expect(v.data.datasetVersion.columns.map((c: any) => c.type)).toEqual(['INTEGER', 'FLOAT', 'FLOAT', 'CATEGORICAL', 'DATE', 'BOOLEAN', 'TEXT']);
  });
  afterAll(() => hub?.close());

  const col = (n: string) => profile.columns.find((c: any) => c.name === n);

  it('counts rows, duplicate rows, missing and distinct values per column', () => {
    expect(profile.rowCount).toBe(ROWS.length);
    const distinctRows = new Set(ROWS.map((r) => JSON.stringify(r))).size;
    expect(profile.duplicateRows).toBe(ROWS.length - distinctRows);
    expect(profile.duplicateRows).toBe(4);
    for (const key of ['n', 'x', 'y', 'cat', 'day', 'flag', 'note'] as const) {
      const values = present(key);
      const c = col(key);
      expect(c.count, key).toBe(ROWS.length);
      expect(c.missing, key).toBe(ROWS.length - values.length);
      close(c.missingRate, (ROWS.length - values.length) / ROWS.length);
      expect(c.distinct, key).toBe(new Set(values.map(String)).size);
    }
  });

  it('matches simple-statistics for min, max, mean, median, standard deviation and variance, and type-7 quartiles', () => {
    for (const key of ['n', 'x', 'y'] as const) {
      const values = present(key) as number[];
      const sorted = [...values].sort((a, b) => a - b);
      const c = col(key);
      expect(c.min, key).toBe(ss.min(values));
      expect(c.max, key).toBe(ss.max(values));
      close(c.mean, ss.mean(values));
      close(c.median, ss.median(values));
      close(c.stddev, ss.sampleStandardDeviation(values));
      close(c.variance, ss.sampleVariance(values));
      close(c.quantiles.p25, type7(sorted, 0.25));
      close(c.quantiles.p50, type7(sorted, 0.5));
      close(c.quantiles.p75, type7(sorted, 0.75));
      close(c.quantiles.p50, ss.median(values));
    }
  });

  it('bins numbers into a 10-bin histogram over [min, max]', () => {
    for (const key of ['n', 'x', 'y'] as const) {
      const values = present(key) as number[];
      const min = ss.min(values);
      const max = ss.max(values);
      const counts = Array(10).fill(0);
      for (const v of values) counts[Math.min(Math.floor(((v - min) / (max - min)) * 10), 9)]++;
      const h = col(key).histogram;
      expect(h.map((b: any) => b.count), key).toEqual(counts);
      expect(h[0].lower).toBe(min);
      expect(h[9].upper).toBe(max);
      close(h[1].lower, min + (max - min) / 10);
    }
  });

  it('lists the most frequent categories, texts and booleans with their counts', () => {
    for (const key of ['cat', 'note', 'flag'] as const) {
      const counts = new Map<string, number>();
      for (const v of present(key)) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
      const expected = [...counts]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 10)
        .map(([value, count]) => ({ value, count }));
      const got = col(key).topValues.map((t: any) => ({ value: String(t.value), count: t.count }));
      expect(got, key).toEqual(expected);
    }
  });

  it('gives the first and last date', () => {
    const days = present('day').sort();
    expect(col('day')).toMatchObject({ min: days[0], max: days.at(-1) });
  });

  it('computes the Pearson correlation matrix of numeric columns', () => {
    const keys = ['n', 'x', 'y'] as const;
    expect(profile.correlation.columns).toEqual(keys);
    keys.forEach((a, i) =>
      keys.forEach((b, j) => {
        const pairs = ROWS.filter((r) => r[a] !== null && r[b] !== null);
        const expected = i === j ? 1 : ss.sampleCorrelation(pairs.map((r) => r[a] as number), pairs.map((r) => r[b] as number));
        close(profile.correlation.matrix[i][j], expected, 1e-9);
      }),
    );
    expect(profile.correlation.matrix[0][1]).toBeGreaterThan(0.5);
  });

  it('pages through every row in upload order, without gaps or repeats', async () => {
    const seen: unknown[][] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const res: any = await hub.graphql(ROWS_QUERY, { o: alice.username, n: name, first: 37, after }, alice.token);
      expect(res.errors).toBeUndefined();
      const rows = res.data.datasetVersion.rows;
      expect(rows.totalCount).toBe(ROWS.length);
      seen.push(...rows.rows);
      if (!rows.pageInfo.hasNextPage) break;
      after = rows.pageInfo.endCursor;
    }
    expect(seen.map((r) => r[0])).toEqual(ROWS.map((r) => r.n));
    expect(seen.map((r) => r[2])).toEqual(ROWS.map((r) => r.y));
  });

  it('sorts by a column either way with NULLs last, stable by row, across pages', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const seen: unknown[][] = [];
      let after: string | null = null;
      do {
        const res: any = await hub.graphql(ROWS_QUERY, { o: alice.username, n: name, first: 50, after, orderBy: 'x', direction }, alice.token);
        expect(res.errors).toBeUndefined();
        seen.push(...res.data.datasetVersion.rows.rows);
        after = res.data.datasetVersion.rows.pageInfo.hasNextPage ? res.data.datasetVersion.rows.pageInfo.endCursor : null;
      } while (after);
      const expected = ROWS.map((r, i) => ({ x: r.x, i }))
        .sort((a, b) => (a.x === null ? (b.x === null ? a.i - b.i : 1) : b.x === null ? -1 : (direction === 'ASC' ? a.x - b.x : b.x - a.x) || a.i - b.i))
        .map((r) => r.x);
      expect(seen.map((r) => r[1]), direction).toEqual(expected);
    }
  });

  it('filters rows with typed comparisons, NULL tests and CONTAINS', async () => {
    const count = async (filters: object[]) => {
      const res: any = await hub.graphql(ROWS_QUERY, { o: alice.username, n: name, first: 1, filters }, alice.token);
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      return res.data.datasetVersion.rows.totalCount;
    };
    expect(await count([{ column: 'n', op: 'GE', value: '50' }])).toBe(ROWS.filter((r) => r.n >= 50).length);
    expect(await count([{ column: 'y', op: 'LT', value: '0' }, { column: 'cat', op: 'EQ', value: 'beta' }])).toBe(
      ROWS.filter((r) => r.y !== null && r.y < 0 && r.cat === 'beta').length,
    );
    expect(await count([{ column: 'x', op: 'IS_NULL' }])).toBe(ROWS.filter((r) => r.x === null).length);
    expect(await count([{ column: 'cat', op: 'NOT_NULL' }, { column: 'cat', op: 'NE', value: 'alpha' }])).toBe(ROWS.filter((r) => r.cat !== null && r.cat !== 'alpha').length);
    expect(await count([{ column: 'note', op: 'CONTAINS', value: 'E01' }])).toBe(ROWS.filter((r) => r.note.includes('e01')).length);
    expect(await count([{ column: 'day', op: 'LE', value: '2024-06-30' }])).toBe(ROWS.filter((r) => r.day !== null && r.day <= '2024-06-30').length);
    expect(await count([{ column: 'flag', op: 'EQ', value: 'true' }])).toBe(ROWS.filter((r) => r.flag === true).length);
  });

  it('refuses unknown columns, values of the wrong type and forged cursors, whatever they hold', async () => {
    const attempt = (vars: object) => hub.graphql(ROWS_QUERY, { o: alice.username, n: name, ...vars }, alice.token);
    for (const vars of [
      { orderBy: 'x; DROP TABLE users; --' },
      { orderBy: '_row' },
      { filters: [{ column: '"x"', op: 'EQ', value: '1' }] },
      { filters: [{ column: 'n', op: 'EQ', value: "1 OR 1=1" }] },
      { filters: [{ column: 'n', op: 'GT' }] },
      { after: 'not-a-cursor' },
      { orderBy: 'n', after: Buffer.from(JSON.stringify({ k: "1'; DROP TABLE users; --", r: 1 })).toString('base64url') },
      { first: 1000 },
    ]) {
      const res = await attempt(vars);
      expect(codeOf(res), JSON.stringify(vars)).toBe('BAD_USER_INPUT');
    }
    expect((await hub.sql(`SELECT count(*)::int AS n FROM users`))[0].n).toBeGreaterThan(0);
  });
});
