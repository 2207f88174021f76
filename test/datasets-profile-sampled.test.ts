/**
 * The profile of a version with more rows than AIMASS_DATASET_PROFILE_SAMPLE_ROWS (1,000 here), on
 * PostgreSQL and on PGlite: what the whole table gives stays exact (counts, missing, min, max,
 * mean, standard deviation, variance, booleans, dates, correlation, duplicate rows, and every
 * figure of a column holding at most 1,000 values); distinct counts, quartiles, histogram and
 * top-value counts of denser columns are estimates from a sample of about 1,000 rows, checked
 * against plain JavaScript on the same generated data within bounds a sample that size keeps.
 */
import * as ss from 'simple-statistics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type Backend, type TestHub } from './support/hub.js';
import { signUp, uniqueName, type SignedUp } from './support/users.js';

const SAMPLE_ROWS = 1000;
const ROWS = 6000;

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Row {
  id: number;
  n: number;
  x: number | null;
  y: number;
  cat: string | null;
  day: string;
  flag: boolean | null;
  rare: number | null;
}

const CATS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];

function generate(): Row[] {
  const random = rng(2026);
  const rows: Row[] = [];
  for (let i = 1; i <= ROWS; i++) {
    const n = Math.floor(random() * 100);
    rows.push({
      id: i,
      n,
      x: random() < 0.1 ? null : Math.round((n * 0.5 + random() * 20 - 10) * 1e6) / 1e6,
      y: Math.round((random() + random() + random()) * 1e9) / 1e6,
      cat: random() < 0.05 ? null : CATS[Math.floor(random() ** 2 * CATS.length)],
      day: `2024-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
      flag: random() < 0.1 ? null : random() < 0.3,
      // 600 values among 6,000 rows: fewer than the sample size, so profiled exactly.
      rare: random() < 0.9 ? null : Math.floor(random() * 50),
    });
  }
  return rows;
}

const DATA = generate();
const KEYS = ['id', 'n', 'x', 'y', 'cat', 'day', 'flag', 'rare'] as const;
const cell = (v: unknown) => (v === null ? 'NA' : String(v));
const csv = (rows: Row[], keys: readonly (keyof Row)[]) => [keys.join(','), ...rows.map((r) => keys.map((k) => cell(r[k])).join(','))].join('\n');
const present = <K extends keyof Row>(rows: Row[], key: K) => rows.map((r) => r[key]).filter((v): v is NonNullable<Row[K]> => v !== null);

function close(actual: number, expected: number, relative = 1e-9) {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

function type7(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

/** The share of values at or below v: a quantile estimate is judged by its rank, not its value. */
const rankOf = (sorted: number[], v: number) => sorted.filter((s) => s <= v).length / sorted.length;

function histogram(values: number[]) {
  const min = ss.min(values);
  const max = ss.max(values);
  const counts = Array(10).fill(0);
  for (const v of values) counts[Math.min(Math.floor(((v - min) / (max - min)) * 10), 9)]++;
  return counts;
}

describe.each(['postgres', 'pglite'] as Backend[])('Dataset profile from a sample on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  let profile: any;
  const col = (name: string) => profile.columns.find((c: any) => c.name === name);

  async function profileOf(body: string): Promise<any> {
    const name = (await createDataset(hub, alice.token, { name: uniqueName('s') })).name;
    const res = await upload(hub, alice.token, alice.username, name, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const v = await hub.graphql(`query($o: String!, $n: String!) { datasetVersion(owner: $o, name: $n) { profile } }`, { o: alice.username, n: name }, alice.token);
    return v.data.datasetVersion.profile;
  }

  beforeAll(async () => {
    hub = await startTestHub({ backend, env: { AIMASS_DATASET_PROFILE_SAMPLE_ROWS: String(SAMPLE_ROWS) } });
    alice = await signUp(hub);
    profile = await profileOf(csv(DATA, KEYS));
  });
  afterAll(() => hub?.close());

  it('says it used a sample, and keeps every whole-table figure exact', () => {
    expect(profile.sample.rows).toBeGreaterThan(SAMPLE_ROWS * 0.8);
    expect(profile.sample.rows).toBeLessThan(SAMPLE_ROWS * 1.2);
    expect(profile.rowCount).toBe(ROWS);
    for (const key of KEYS) {
      const values = present(DATA, key);
      expect(col(key).count, key).toBe(ROWS);
      expect(col(key).missing, key).toBe(ROWS - values.length);
    }
    for (const key of ['id', 'n', 'x', 'y', 'rare'] as const) {
      const values = present(DATA, key) as number[];
      expect([col(key).min, col(key).max], key).toEqual([ss.min(values), ss.max(values)]);
      close(col(key).mean, ss.mean(values));
      close(col(key).stddev, ss.sampleStandardDeviation(values));
      close(col(key).variance, ss.sampleVariance(values));
    }
    const flags = present(DATA, 'flag');
    expect(col('flag')).toMatchObject({ distinct: 2, topValues: [{ value: false, count: flags.filter((f) => !f).length }, { value: true, count: flags.filter((f) => f).length }] });
    const days = present(DATA, 'day').sort();
    expect(col('day')).toMatchObject({ min: days[0], max: days.at(-1) });
    const keys = ['id', 'n', 'x', 'y', 'rare'] as const;
    expect(profile.correlation.columns).toEqual(keys);
    keys.forEach((a, i) =>
      keys.forEach((b, j) => {
        const pairs = DATA.filter((r) => r[a] !== null && r[b] !== null);
        const expected = i === j ? 1 : ss.sampleCorrelation(pairs.map((r) => r[a] as number), pairs.map((r) => r[b] as number));
        close(profile.correlation.matrix[i][j], expected);
      }),
    );
  });

  it('counts an id column distinct in every row exactly, and so no duplicate rows, without a sort', () => {
    expect(col('id').distinct).toBe(ROWS);
    expect(profile.duplicateRows).toBe(0);
  });

  it('profiles a column holding fewer values than the sample size exactly', () => {
    const values = present(DATA, 'rare');
    expect(values.length).toBeLessThan(SAMPLE_ROWS);
    const sorted = [...values].sort((a, b) => a - b);
    const c = col('rare');
    expect(c.distinct).toBe(new Set(values).size);
    close(c.quantiles.p25, type7(sorted, 0.25));
    close(c.median, type7(sorted, 0.5));
    close(c.quantiles.p75, type7(sorted, 0.75));
    expect(c.histogram.map((b: any) => b.count)).toEqual(histogram(values));
  });

  it('estimates quartiles, histograms and distinct counts of dense columns from the sample', () => {
    for (const key of ['id', 'n', 'x', 'y'] as const) {
      const values = present(DATA, key) as number[];
      const sorted = [...values].sort((a, b) => a - b);
      const c = col(key);
      // About 1,000 sampled values: a quantile's rank is off by 0.014 (one standard error).
      expect(Math.abs(rankOf(sorted, c.quantiles.p25) - 0.25), key).toBeLessThan(0.06);
      expect(Math.abs(rankOf(sorted, c.median) - 0.5), key).toBeLessThan(0.06);
      expect(Math.abs(rankOf(sorted, c.quantiles.p75) - 0.75), key).toBeLessThan(0.06);
      expect(c.median, key).toBe(c.quantiles.p50);
      const h = c.histogram;
      expect(h.map((b: any) => b.count).reduce((a: number, b: number) => a + b, 0), key).toBe(values.length);
      expect([h[0].lower, h[9].upper], key).toEqual([sorted[0], sorted.at(-1)]);
      histogram(values).forEach((count, i) => expect(Math.abs(h[i].count - count), `${key} bin ${i}`).toBeLessThan(0.06 * values.length));
    }
    // Every value of these is seen in the sample more than once: the estimate is the count.
    expect(col('n').distinct).toBe(new Set(present(DATA, 'n')).size);
    expect(col('cat').distinct).toBe(CATS.length);
    // Almost every value of y differs: a sample of distinct values says the whole column is.
    const ys = new Set(present(DATA, 'y')).size;
    expect(Math.abs(col('y').distinct - ys)).toBeLessThan(0.05 * ys);
    const days = new Set(present(DATA, 'day')).size;
    expect(Math.abs(col('day').distinct - days)).toBeLessThan(0.2 * days);
  });

  it('lists the most frequent categories with counts scaled from the sample', () => {
    const counts = new Map<string, number>();
    for (const v of present(DATA, 'cat')) counts.set(v, (counts.get(v) ?? 0) + 1);
    const got: { value: string; count: number }[] = col('cat').topValues;
    expect(got.map((t) => t.value).sort()).toEqual([...CATS].sort());
    // alpha (45 %) and beta (18 %) lead clearly; the last three are close enough to swap in a sample.
    expect(got.slice(0, 2).map((t) => t.value)).toEqual(['alpha', 'beta']);
    for (const t of got) expect(Math.abs(t.count - counts.get(t.value)!), t.value).toBeLessThan(0.06 * ROWS);
    expect(got.map((t) => t.count)).toEqual([...got.map((t) => t.count)].sort((a, b) => b - a));
  });

  it('counts duplicate rows exactly when no column tells the rows apart', async () => {
    // Without the id column: 25 rows repeated from earlier ones, among rows that share many values.
    const rows = [...DATA, ...[3, 7, 7, 50, 900, 1200, 1201, 2500, 3000, 3001, 4000, 4100, 4200, 4300, 4400, 4500, 4600, 4700, 4800, 4900, 5000, 5100, 5200, 5300, 5400].map((i) => ({ ...DATA[i] }))];
    const keys = KEYS.filter((k) => k !== 'id');
    const expected = rows.length - new Set(rows.map((r) => JSON.stringify(keys.map((k) => r[k])))).size;
    expect(expected).toBe(25);
    const p = await profileOf(csv(rows, keys));
    expect(p.sample.rows).toBeGreaterThan(0);
    expect(p.duplicateRows).toBe(expected);
  });
});
