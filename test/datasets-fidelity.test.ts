/**
 * Data fidelity of type inference, against PostgreSQL (COPY) and PGlite (INSERT): no cell a user
 * uploaded becomes NULL when a wider type holds it, whether the sample sees the odd value (the
 * column is inferred float) or only the full load does (the column is widened while loading).
 * Cells no type of the column holds are still NULL, counted and reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from './support/datasets.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { signUp, uniqueName, type SignedUp } from './support/users.js';

const ROWS = 400;
/** The sample is 100 rows here, so values past it are seen by the load only. */
const INFER_ROWS = 100;

/** A realistic survey export: 400 rows, one stray value per column, placed before and after the sample. */
function surveyCsv(): string {
  const lines = ['id,Visits,Score,Population,Signed Up,Income,City,Ratio'];
  const cities = ['Oslo', 'Bergen', 'Tromsø', 'Stavanger'];
  for (let i = 1; i <= ROWS; i++) {
    const visits = i === 250 ? '97.5' : String(i * 3); // a decimal only the load sees
    const score = i === 10 ? '3.25' : String(i % 7); // a decimal the sample sees
    const population = i === 300 ? '123456789012345678901234' : String(1000 + i); // beyond bigint, after the sample
    const day = String((i % 28) + 1).padStart(2, '0');
    const signedUp = i === 50 ? 'not a date' : `2024-03-${day}`;
    const income = i % 20 === 0 ? '' : i % 33 === 0 ? 'NA' : String(30000 + i * 10);
    const ratio = i === 350 ? '1e3' : String(i); // an exponent after the sample
    lines.push([i, visits, score, population, signedUp, income, cities[i % 4], ratio].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe.each(BACKENDS)('Type inference keeps every value on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  beforeAll(async () => {
    hub = await startTestHub({ backend, env: { AIMASS_DATASET_INFER_ROWS: String(INFER_ROWS) } });
    alice = await signUp(hub);
  });
  afterAll(() => hub?.close());

  it('stores a stray decimal, a huge integer and an exponent among integers, and reports only the bad date', async () => {
    const name = uniqueName('survey');
    await createDataset(hub, alice.token, { name });
    const res = await upload(hub, alice.token, alice.username, name, surveyCsv());
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.rowCount).toBe(ROWS);
    const types = Object.fromEntries(res.body.columns.map((c: any) => [c.name, c.type]));
    expect(types).toEqual({
      id: 'integer',
      visits: 'float',
      score: 'float',
      population: 'float',
      signed_up: 'date',
      income: 'integer',
      city: 'categorical',
      ratio: 'float',
    });

    const report = Object.fromEntries(res.body.ingestReport.columns.map((c: any) => [c.name, c]));
    expect(report.visits).toMatchObject({ type: 'float', nullCount: 0, invalidCount: 0, invalidSamples: [], widenedFrom: 'integer', widenedAtLine: 251 });
    expect(report.population).toMatchObject({ type: 'float', invalidCount: 0, widenedFrom: 'integer', widenedAtLine: 301 });
    expect(report.ratio).toMatchObject({ type: 'float', invalidCount: 0, widenedFrom: 'integer', widenedAtLine: 351 });
    // Inferred from the sample: nothing to widen.
    expect(report.score).toMatchObject({ type: 'float', invalidCount: 0 });
    expect(report.score.widenedFrom).toBeUndefined();
    expect(report.id.widenedFrom).toBeUndefined();
    // A date column with one bad value stays a date column; the bad cell is NULL and reported.
    expect(report.signed_up).toMatchObject({ type: 'date', nullCount: 0, invalidCount: 1, invalidSamples: ['not a date'] });
    const emptyIncome = ROWS / 20;
    const naIncome = Array.from({ length: ROWS }, (_, k) => k + 1).filter((i) => i % 20 !== 0 && i % 33 === 0).length;
    expect(report.income).toMatchObject({ type: 'integer', nullCount: emptyIncome + naIncome, invalidCount: 0 });

    // The stored table: column types and the very values uploaded.
    const [{ table_name: table }] = await hub.sql(`SELECT table_name FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.name = $1`, [name]);
    const bare = table.replace(/^datasets\./, '');
    const sqlTypes = Object.fromEntries(
      (await hub.sql(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'datasets' AND table_name = $1`, [bare])).map((r) => [
        r.column_name,
        r.data_type,
      ]),
    );
    expect(sqlTypes).toMatchObject({ id: 'bigint', visits: 'double precision', score: 'double precision', population: 'double precision', signed_up: 'date', income: 'bigint', ratio: 'double precision' });
    const rows = await hub.sql(`SELECT _row, visits, score, population::text AS population, signed_up::text AS signed_up, income, ratio FROM ${table} ORDER BY _row`);
    expect(rows).toHaveLength(ROWS);
    expect(rows[249]).toMatchObject({ visits: 97.5 });
    expect(rows[248]).toMatchObject({ visits: 249 * 3 });
    expect(rows[9]).toMatchObject({ score: 3.25 });
    expect(Number(rows[299].population)).toBe(123456789012345678901234);
    expect(rows[298].population).toBe('1299');
    expect(rows[349].ratio).toBe(1000);
    expect(rows[49].signed_up).toBeNull();
    expect(rows[50].signed_up).toBe('2024-03-24');
    expect(rows[19].income).toBeNull(); // empty cell
    expect(rows[32].income).toBeNull(); // NA
    expect(Number(rows[0].income)).toBe(30010);
    // No value NULL that was not empty, a null token or the bad date.
    for (const column of ['visits', 'score', 'population', 'ratio'] as const) expect(rows.filter((r) => r[column] === null)).toEqual([]);

    // The profile is computed on the widened types.
    const v = await hub.graphql(`query($o: String!, $n: String!) { datasetVersion(owner: $o, name: $n) { profile } }`, { o: alice.username, n: name }, alice.token);
    expect(v.errors).toBeUndefined();
    expect(JSON.stringify(v.data.datasetVersion.profile)).toContain('visits');
  });

  it('keeps refusing nothing it did before: a column of words with a few numbers stays text', async () => {
    const name = uniqueName('words');
    await createDataset(hub, alice.token, { name });
    const lines = ['word'];
    for (let i = 0; i < 50; i++) lines.push(i % 10 === 0 ? String(i) : `w${i}`);
    const res = await upload(hub, alice.token, alice.username, name, lines.join('\n'));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.columns[0].type).toBe('text');
    expect(res.body.ingestReport.columns[0]).toMatchObject({ invalidCount: 0, nullCount: 0 });
  });
});
