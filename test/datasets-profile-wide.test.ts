/**
 * The profile of a table wider than one sorting statement holds (more than MAX_SORTS sorts: each
 * numeric column takes two), and the two ways of counting duplicate rows the narrow profile test
 * does not reach: every row compared (many rows repeat) and none (a column differs in every row).
 * Figures are checked against plain JavaScript on the same generated data; quartiles by linear
 * interpolation between closest ranks (R type 7, what percentile_cont computes).
 */
import * as ss from 'simple-statistics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SORTS } from '../hub/src/datasets/profile.js';
import { createDataset, upload } from './support/datasets.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { signUp, uniqueName, type SignedUp } from './support/users.js';

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NUMBERS = 18;
/** Named like the profile's own per-row bin values might be, so that no name of its may clash with a column's. */
const numberNames = Array.from({ length: NUMBERS }, (_, i) => `h${i}`);

/** 150 distinct-ish rows, each present twice: 150 duplicates. Booleans tie 60 / 60 with 30 NULLs. */
function generate(): (number | string | boolean | null)[][] {
  const random = rng(7);
  const base: (number | string | boolean | null)[][] = [];
  for (let i = 0; i < 150; i++) {
    const numbers = numberNames.map((_, k) => (random() < 0.05 ? null : Math.round((random() * 20 - 5 + k) * 10) / 10));
    const day = `2025-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 10)}`;
    base.push([...numbers, 7, day, i % 5 === 0 ? null : i % 5 <= 2, ['x', 'y', 'z'][i % 3]]);
  }
  return [...base, ...base.map((r) => [...r])];
}

const HEADER = [...numberNames, 'constant', 'day', 'flag', 'kind'];
const ROWS = generate();
const csv = (header: string[], rows: unknown[][]) => [header.join(','), ...rows.map((r) => r.map((v) => (v === null ? 'NA' : String(v))).join(','))].join('\n');

function type7(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

function close(actual: number, expected: number, relative = 1e-9) {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

const column = (i: number) => ROWS.map((r) => r[i]).filter((v) => v !== null);

describe.each(BACKENDS)('Dataset profile of a wide table on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;

  beforeAll(async () => {
    hub = await startTestHub({ backend });
    alice = await signUp(hub);
  });
  afterAll(() => hub?.close());

  async function profileOf(body: string): Promise<any> {
    const name = (await createDataset(hub, alice.token, { name: uniqueName('w') })).name;
    const res = await upload(hub, alice.token, alice.username, name, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const v = await hub.graphql(`query($o: String!, $n: String!) { datasetVersion(owner: $o, name: $n) { profile } }`, { o: alice.username, n: name }, alice.token);
    return v.data.datasetVersion.profile;
  }

  it('profiles every column of a table needing several sorting statements, and counts duplicates over every row', async () => {
    expect(NUMBERS * 2).toBeGreaterThan(MAX_SORTS * 2);
    const profile = await profileOf(csv(HEADER, ROWS));
    expect(profile.rowCount).toBe(300);
    expect(profile.duplicateRows).toBe(300 - new Set(ROWS.map((r) => JSON.stringify(r))).size);
    expect(profile.duplicateRows).toBe(150);
    const col = (n: string) => profile.columns.find((c: any) => c.name === n);
    numberNames.forEach((name, i) => {
      const values = column(i) as number[];
      const sorted = [...values].sort((a, b) => a - b);
      const c = col(name);
      expect(c.type, name).toBe('float');
      expect(c.missing, name).toBe(300 - values.length);
      expect(c.distinct, name).toBe(new Set(values).size);
      expect([c.min, c.max], name).toEqual([sorted[0], sorted.at(-1)]);
      close(c.mean, ss.mean(values));
      close(c.variance, ss.sampleVariance(values));
      close(c.quantiles.p25, type7(sorted, 0.25));
      close(c.quantiles.p75, type7(sorted, 0.75));
      close(c.median, type7(sorted, 0.5));
      const counts = Array(10).fill(0);
      for (const v of values) counts[Math.min(Math.floor(((v - sorted[0]) / (sorted.at(-1)! - sorted[0])) * 10), 9)]++;
      expect(c.histogram.map((b: any) => b.count), name).toEqual(counts);
    });
    // One value: one bin holding every present row.
    expect(col('constant')).toMatchObject({ distinct: 1, min: 7, max: 7, median: 7, histogram: [{ lower: 7, upper: 7, count: 300 }] });
    const days = column(NUMBERS + 1) as string[];
    expect(col('day')).toMatchObject({ distinct: new Set(days).size, min: [...days].sort()[0], max: [...days].sort().at(-1) });
    // A tie between true and false: false first, as ORDER BY count DESC, value.
    expect(col('flag')).toMatchObject({ missing: 60, distinct: 2, topValues: [{ value: false, count: 120 }, { value: true, count: 120 }] });
    expect(col('kind')).toMatchObject({ distinct: 3, topValues: [{ value: 'x', count: 100 }, { value: 'y', count: 100 }, { value: 'z', count: 100 }] });
    expect(profile.correlation.columns).toEqual([...numberNames, 'constant']);
    const pairs = ROWS.filter((r) => r[0] !== null && r[NUMBERS - 1] !== null);
    close(profile.correlation.matrix[0][NUMBERS - 1], ss.sampleCorrelation(pairs.map((r) => r[0] as number), pairs.map((r) => r[NUMBERS - 1] as number)));
    // corr() of a constant column is NULL.
    expect(profile.correlation.matrix[0][NUMBERS]).toBeNull();
  });

  it('counts no duplicate rows when a column differs in every row', async () => {
    const profile = await profileOf(csv(['id', ...HEADER], ROWS.map((r, i) => [i, ...r])));
    expect(profile.duplicateRows).toBe(0);
    expect(profile.columns[0]).toMatchObject({ name: 'id', distinct: 300, missing: 0 });
  });
});
