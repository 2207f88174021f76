/**
 * The claim connection (hub/src/db/prepared.ts) runs its statements with `EXECUTE name('…')`, each
 * parameter quoted as a literal: every value must reach the server as the same value a bound
 * parameter does, whatever quotes, backslashes or braces it holds, and a lost connection is
 * replaced with its statements prepared again. The hub readies its claim connection as it starts.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmClaims } from '../hub/src/compute/queue/claim-jobs.js';
import { preparedConnection, type PreparedConnection } from '../hub/src/db/prepared.js';
import { startTestHub, type TestHub } from './support/hub.js';

describe('prepared connection', () => {
  let hub: TestHub;
  let db: pg.Client;
  let prepared: PreparedConnection;
  const sql = `SELECT $1::text AS t, $2::text[] AS a, $3::timestamptz AS d, $4::int AS i, $5::float8 AS f, $6::jsonb AS j, $7::uuid AS u, $8::boolean AS b`;

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'postgres' });
    db = new pg.Client({ connectionString: await hub.databaseUrl() });
    await db.connect();
    prepared = preparedConnection(await hub.databaseUrl(), 'prepared-connection-test');
  });
  afterAll(async () => {
    await prepared?.close();
    await db?.end();
    await hub?.close();
  });

  it('passes every value as a bound parameter would', async () => {
    const cases: unknown[][] = [
      [`it's`, ['a', 'b'], new Date('2026-12-04T05:06:07.089Z'), 3, 0.25, { k: "o'k" }, '2a782ca4-6043-488f-87c8-ddec4f6df7c1', true],
      [`back\\slash '' "quoted" $1 ); DROP TABLE jobs; --`, [`x"y`, 'a,b', '{c}', 'back\\slash', `'`, null, ''], null, -1, 1e-7, { list: [1, 'two'], q: '"\\' }, null, false],
      [null, [], null, null, null, null, null, null],
      ['é 日本 \n\t', ['NULL', ' spaced '], new Date(0), 0, -0.5, '"a string"', '00000000-0000-0000-0000-000000000000', null],
    ];
    for (const params of cases) {
      const bound = (await db.query(sql, params)).rows;
      const executed = await prepared.prepared('prepared_connection_test', sql, params);
      expect(executed).toEqual(bound);
    }
  });

  it('warms a statement: prepared and planned on its connection, not run', async () => {
    await db.query(`CREATE TABLE warm_probe (v text)`);
    const insert = `INSERT INTO warm_probe VALUES ($1::text) RETURNING v`;
    await prepared.warm('warm_probe_insert', insert, ['not inserted']);
    expect((await db.query(`SELECT count(*)::int AS n FROM warm_probe`)).rows[0].n).toBe(0);
    // The generic plan was made (and kept: plan_cache_mode is force_generic_plan on this connection).
    const [statement] = await prepared.query(`SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'warm_probe_insert'`);
    expect(statement).toMatchObject({ custom_plans: '0' });
    expect(Number(statement.generic_plans)).toBeGreaterThanOrEqual(1);
    // The statement runs as prepared, without being prepared again.
    expect(await prepared.prepared('warm_probe_insert', insert, ['inserted'])).toEqual([{ v: 'inserted' }]);
    expect((await db.query(`SELECT v FROM warm_probe`)).rows).toEqual([{ v: 'inserted' }]);
  });

  it('is opened by the hub as it starts, with the claim statements prepared', async () => {
    const { rows } = await db.query(`SELECT state, query FROM pg_stat_activity WHERE application_name = 'aimass_claims' AND datname = current_database()`);
    // One connection, whose last statement planned the full claim (after the one without lookups).
    expect(rows).toHaveLength(1);
    expect(rows[0].state).toBe('idle');
    expect(rows[0].query).toMatch(/^EXPLAIN EXECUTE aimass_claim_jobs\(/);
  });

  it('plans both claim statements when warmed, as the hub does at start', async () => {
    await warmClaims(prepared);
    const planned = await prepared.query(`SELECT name, generic_plans FROM pg_prepared_statements WHERE name LIKE 'aimass_claim%' ORDER BY name`);
    expect(planned.map((p: { name: string; generic_plans: string }) => [p.name, Number(p.generic_plans) >= 1])).toEqual([
      ['aimass_claim_jobs', true],
      ['aimass_claim_jobs_without_lookups', true],
    ]);
  });

  it('prepares its statements again on a new connection when the old one is lost', async () => {
    const [{ pid }] = await prepared.query(`SELECT pg_backend_pid() AS pid`);
    await db.query(`SELECT pg_terminate_backend($1)`, [pid]);
    // A statement sent before the client saw the connection end fails; the next one opens another.
    const run = (t: string) => prepared.prepared('prepared_connection_test', sql, [t, ['z'], null, 2, 2, null, null, true]);
    const [row] = await run('again').catch(() => run('again'));
    expect(row).toMatchObject({ t: 'again', a: ['z'], i: 2 });
    const [{ pid: next }] = await prepared.query(`SELECT pg_backend_pid() AS pid`);
    expect(next).not.toBe(pid);
  });
});
