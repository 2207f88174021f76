/**
 * The training rows an agent reads are written as JSON by PostgreSQL (sql/json-values-sql.ts) and
 * sent on unparsed: every value must arrive as the same JSON value the ordinary result path gives
 * (sql/sql-values.ts, then JSON.stringify) — whatever its type, size, quotes or nulls — in the
 * same order, with the same limits.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSandboxed, runSandboxedJson, type SandboxLimits } from '../hub/src/sql/sandbox-runner.js';
import { startTestHub, type TestHub } from './support/hub.js';

const LIMITS: SandboxLimits = { timeoutMs: 5000, maxRows: 1000, maxCost: 1e9, maxBytes: 1 << 20 };
const explain = (error: { message: string }) => new Error(error.message);

/** One row per line: tricky values of each type, and nulls. */
const VALUES = `
  (1::int2, 1::int4, 1::int8, 1.5::float4, 0.1::float8, 1.50::numeric, true, 'plain'::text, 'a'::varchar(3), 'x'::char(3),
   '2026-01-02'::date, '2026-01-02 03:04:05.25'::timestamp, '2026-01-02 03:04:05.123456+00'::timestamptz,
   '{"a": [1, 2.5, null]}'::json, '{"b": "é\\"q"}'::jsonb, '6f1c1a36-2f7d-4b7e-9b53-2c4c5b0e3f7a'::uuid, '1 day 02:03:04'::interval, 26::oid, '10.0.0.1'::inet),
  ('-32768'::int2, 2147483647::int4, 9007199254740991::int8, 'NaN'::float4, 'Infinity'::float8, 'NaN'::numeric, false, E'quote " back \\\\ tab \\t nl \\n bell \\u0007', 'é', 'ab',
   '0044-03-15 BC'::date, 'infinity'::timestamp, '-infinity'::timestamptz,
   '[]'::json, 'null'::jsonb, NULL, '-1 mon'::interval, 0::oid, NULL),
  (NULL, NULL, 9007199254740993::int8, '-Infinity'::float4, '-0'::float8, 12345678901234.5::numeric, NULL, '', NULL, NULL,
   NULL, NULL, '1999-12-31 23:59:59+00'::timestamptz, NULL, NULL, NULL, NULL, NULL, NULL),
  (0::int2, -1::int4, '-9223372036854775808'::int8, 3.4e38::float4, 1e300::float8, 1234567890123456.7::numeric, NULL, '{"not": "json"}', NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (NULL, NULL, NULL, NULL, 5e-324::float8, 0.000000000000000001::numeric, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (NULL, NULL, NULL, NULL, 123456789012345678::float8, 12345678901234567890::numeric, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (NULL, NULL, NULL, NULL, NULL, -9007199254740991::numeric, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (NULL, NULL, NULL, NULL, NULL, 9007199254740992::numeric, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (NULL, NULL, NULL, NULL, NULL, -0.000100::numeric, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (NULL, NULL, NULL, NULL, NULL, 100000000000000.0000::numeric, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`;
const COLUMNS = 'i2, i4, i8, f4, f8, num, b, t, vc, bp, d, ts, tstz, j, jb, u, iv, o, ip';

describe('training rows written as JSON by PostgreSQL', () => {
  let hub: TestHub;
  let db: pg.Client;

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'postgres' });
    db = new pg.Client({ connectionString: await hub.databaseUrl() });
    await db.connect();
    await db.query(`CREATE TABLE public.json_rows_values AS SELECT row_number() OVER () AS n, v.* FROM (VALUES ${VALUES}) AS v(${COLUMNS})`);
  });
  afterAll(async () => {
    await db?.query('DROP TABLE IF EXISTS json_rows_values');
    await db?.end();
    await hub?.close();
  });

  /** Both paths over `sql`; answers what the agent parses from each. */
  async function both(sql: string, first = 100) {
    const page = await runSandboxed(db, sql, { offset: 0, first }, LIMITS, explain);
    const json = await runSandboxedJson(db, sql, first, LIMITS, explain);
    return {
      ordinary: { columns: page.columns.map((c) => c.name), rows: JSON.parse(JSON.stringify(page.rows)) },
      written: { columns: json.columns, rows: JSON.parse(`[${json.rowsJson}]`) },
      count: json.count,
    };
  }

  it('gives every type the same JSON value, nulls, quotes and limits of precision included, in order', async () => {
    const { ordinary, written, count } = await both(`SELECT * FROM public.json_rows_values ORDER BY n`);
    expect(count).toBe(10);
    expect(written.columns).toEqual(['n', ...COLUMNS.split(', ')]);
    expect(written).toEqual(ordinary);
    // What the rules say, spelled out for a few (so both paths cannot be wrong together).
    const at = (row: number, column: string) => written.rows[row][written.columns.indexOf(column)];
    expect([at(0, 'i8'), at(2, 'i8'), at(3, 'i8')]).toEqual([1, '9007199254740993', '-9223372036854775808']);
    expect([at(1, 'f4'), at(1, 'f8'), at(2, 'f8'), at(4, 'f8')]).toEqual(['NaN', 'Infinity', 0, 5e-324]);
    expect([at(0, 'num'), at(2, 'num'), at(3, 'num'), at(5, 'num'), at(7, 'num')]).toEqual([1.5, 12345678901234.5, '1234567890123456.7', '12345678901234567890', '9007199254740992']);
    expect([at(0, 'ts'), at(0, 'tstz'), at(1, 'd')]).toEqual(['2026-01-02T03:04:05.25', '2026-01-02T03:04:05.123456Z', '0044-03-15 BC']);
    expect(at(0, 'j')).toEqual({ a: [1, 2.5, null] });
    expect([at(0, 'bp'), at(0, 'ip'), at(1, 't')]).toEqual(['x  ', '10.0.0.1', 'quote " back \\ tab \t nl \n bell \u0007']);
    expect(Object.is(at(2, 'f8'), 0)).toBe(true);
  });

  it('keeps the query order and its duplicate column names, and reads more than 100 columns', async () => {
    const ordered = await both(`SELECT n, n AS n, t FROM public.json_rows_values ORDER BY n DESC`);
    expect(ordered.written).toEqual(ordered.ordinary);
    expect(ordered.written.rows.map((r: unknown[]) => r[0])).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const wide = await both(`SELECT ${Array.from({ length: 120 }, (_, i) => `n + ${i} AS c${i}`).join(', ')} FROM public.json_rows_values`, 3);
    expect(wide.count).toBe(3);
    expect(wide.written).toEqual(wide.ordinary);
  });

  it('reads an array column the ordinary way, with the same values', async () => {
    const { ordinary, written } = await both(`SELECT n, ARRAY[i8, 9007199254740993] AS a, ARRAY[t, 'x'] AS ts FROM public.json_rows_values ORDER BY n`);
    expect(written).toEqual(ordinary);
  });

  it('refuses a result over the byte limit, as the ordinary path does', async () => {
    const small = { ...LIMITS, maxBytes: 100 };
    const sql = `SELECT t, n FROM public.json_rows_values`;
    await expect(runSandboxed(db, sql, { offset: 0, first: 100 }, small, explain)).rejects.toThrow(/more than 100 bytes/);
    await expect(runSandboxedJson(db, sql, 100, small, explain)).rejects.toThrow(/more than 100 bytes/);
    expect((await runSandboxedJson(db, `SELECT 1 AS one WHERE false`, 100, LIMITS, explain))).toEqual({ columns: ['one'], rowsJson: '', count: 0 });
  });
});
