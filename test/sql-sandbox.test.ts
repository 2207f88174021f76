/**
 * The SQL sandbox against hostile queries: each query of the corpus is refused
 * with a clear, located error, and afterwards the hub is up and nothing changed — the canary
 * dataset, the hub's own tables, the sandbox role's rights.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from './support/datasets.js';
import { SQL_BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { signUp, type SignedUp } from './support/users.js';

const RUN = `mutation($q: String!) { runSql(query: $q) { columns { name } rows totalCount } }`;

interface Hostile {
  why: string;
  sql: string;
  code?: 'BAD_USER_INPUT' | 'NOT_FOUND';
  /** [line, column] the error must point at. */
  at?: [number, number];
}

/** `A` is the victim (owner of the private canary), `M` the attacker (owner of the public "mine"). */
function corpus(A: string, M: string, canaryTable: string): Hostile[] {
  return [
    // Writes and DDL, on someone else's data and on one's own.
    { why: 'DELETE', sql: `DELETE FROM ${A}.canary`, at: [1, 1] },
    { why: 'DELETE own dataset', sql: `DELETE FROM ${M}.mine` },
    { why: 'UPDATE', sql: `UPDATE ${A}.canary SET v = 0` },
    { why: 'INSERT', sql: `INSERT INTO ${M}.mine VALUES (1, 'x')` },
    { why: 'DROP TABLE', sql: `DROP TABLE ${A}.canary` },
    { why: 'TRUNCATE', sql: `TRUNCATE ${M}.mine` },
    { why: 'ALTER TABLE', sql: `ALTER TABLE ${M}.mine ADD COLUMN x int` },
    { why: 'CREATE TABLE AS', sql: `CREATE TABLE loot AS SELECT * FROM ${M}.mine`, at: [1, 1] },
    { why: 'CREATE FUNCTION', sql: `CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql` },
    { why: 'GRANT', sql: `GRANT SELECT ON users TO PUBLIC` },
    { why: 'data-modifying CTE', sql: `WITH gone AS (DELETE FROM ${A}.canary RETURNING *) SELECT * FROM gone` },
    { why: 'SELECT INTO', sql: `SELECT * INTO loot FROM ${M}.mine` },
    { why: 'row locks', sql: `SELECT * FROM ${M}.mine FOR UPDATE` },
    // Several statements.
    { why: 'a second statement', sql: `SELECT 1;\nDELETE FROM ${A}.canary`, at: [2, 1] },
    { why: 'two SELECTs', sql: 'SELECT 1; SELECT 2', at: [1, 11] },
    { why: 'a statement hidden after a comment', sql: `SELECT 1 /* ; */ ; DROP TABLE users` },
    { why: 'BEGIN; …', sql: `BEGIN; DELETE FROM ${A}.canary; COMMIT` },
    // System catalogs and the hub's own tables.
    { why: 'pg_catalog', sql: 'SELECT *\nFROM pg_catalog.pg_user', at: [2, 6] },
    { why: 'pg_shadow', sql: 'SELECT usename, passwd FROM pg_shadow' },
    { why: 'information_schema', sql: 'SELECT table_name FROM information_schema.tables' },
    { why: 'pg_stat_activity', sql: 'SELECT query FROM pg_stat_activity' },
    { why: 'a catalog in a subquery', sql: `SELECT * FROM ${M}.mine WHERE v IN (SELECT oid FROM pg_class)` },
    { why: 'the hub users table', sql: 'SELECT password_hash FROM users' },
    { why: 'public.sessions', sql: 'SELECT * FROM public.sessions', code: 'NOT_FOUND' },
    { why: 'an internal dataset table by name', sql: `SELECT * FROM ${canaryTable}`, code: 'NOT_FOUND' },
    { why: 'a regclass lookup', sql: `SELECT 'pg_authid'::regclass` },
    // Other people's private datasets: the same answer as a missing one.
    { why: "someone else's private dataset", sql: `SELECT * FROM ${A}.canary`, code: 'NOT_FOUND', at: [1, 15] },
    { why: 'a private dataset, by version', sql: `SELECT * FROM ${A}.canary@1`, code: 'NOT_FOUND' },
    { why: 'a private dataset, quoted', sql: `SELECT count(*) FROM \`${A}.canary\``, code: 'NOT_FOUND' },
    { why: 'a private dataset in a join', sql: `SELECT * FROM ${M}.mine m JOIN ${A}.canary c ON m.v = c.v`, code: 'NOT_FOUND' },
    { why: 'a private dataset in a CTE', sql: `WITH c AS (SELECT * FROM ${A}.canary) SELECT count(*) FROM c`, code: 'NOT_FOUND' },
    // Functions off the allowlist.
    { why: 'pg_sleep', sql: 'SELECT pg_sleep(10)', at: [1, 8] },
    { why: 'pg_catalog.pg_sleep', sql: 'SELECT pg_catalog.pg_sleep(10)' },
    { why: 'quoted pg_sleep', sql: 'SELECT "pg_sleep"(10)' },
    { why: 'pg_sleep in WHERE', sql: `SELECT * FROM ${M}.mine WHERE pg_sleep(1) IS NULL` },
    { why: 'dblink', sql: `SELECT dblink_exec('dbname=postgres', 'DROP TABLE users')` },
    { why: 'dblink in FROM', sql: `SELECT * FROM dblink('dbname=postgres', 'select 1') AS t(a int)` },
    { why: 'pg_read_file', sql: `SELECT pg_read_file('/etc/passwd')` },
    { why: 'pg_read_binary_file', sql: `SELECT pg_read_binary_file('/etc/passwd')` },
    { why: 'pg_ls_dir', sql: `SELECT pg_ls_dir('.')` },
    { why: 'lo_import', sql: `SELECT lo_import('/etc/passwd')` },
    { why: 'lo_export', sql: `SELECT lo_export(1, '/tmp/x')` },
    { why: 'lo_get', sql: 'SELECT lo_get(1)' },
    { why: 'set_config', sql: `SELECT set_config('statement_timeout', '0', false)` },
    { why: 'set_config to become superuser', sql: `SELECT set_config('role', 'postgres', true), count(*) FROM ${M}.mine` },
    { why: 'current_setting', sql: `SELECT current_setting('data_directory')` },
    { why: 'query_to_xml runs SQL from text', sql: `SELECT query_to_xml('delete from users', true, true, '')` },
    { why: 'version()', sql: 'SELECT version()' },
    { why: 'pg_terminate_backend', sql: 'SELECT pg_terminate_backend(1)' },
    { why: 'advisory locks', sql: 'SELECT pg_advisory_lock(1)' },
    { why: 'nextval', sql: `SELECT nextval('x')` },
    { why: 'a gigabyte from repeat', sql: `SELECT repeat('x', 1000000000)` },
    { why: 'current_user', sql: 'SELECT current_user' },
    // Settings, COPY, transaction and session control.
    { why: 'SET', sql: 'SET statement_timeout = 0', at: [1, 1] },
    { why: 'SET ROLE', sql: 'SET ROLE postgres' },
    { why: 'RESET', sql: 'RESET ROLE' },
    { why: 'SHOW', sql: 'SHOW data_directory' },
    { why: 'COPY to a file', sql: `COPY (SELECT * FROM ${M}.mine) TO '/tmp/loot.csv'` },
    { why: 'COPY to a program', sql: `COPY (SELECT 1) TO PROGRAM 'id'` },
    { why: 'EXPLAIN ANALYZE DELETE', sql: `EXPLAIN ANALYZE DELETE FROM ${A}.canary` },
    { why: 'DO block', sql: 'DO $$ BEGIN DELETE FROM users; END $$' },
    { why: 'PREPARE', sql: 'PREPARE p AS SELECT 1' },
    { why: 'LISTEN', sql: 'LISTEN aimass' },
    { why: 'NOTIFY', sql: `NOTIFY aimass, 'x'` },
    // Lexical tricks where a lax parser and PostgreSQL disagree.
    { why: 'a backslash ending a string, then a call', sql: `SELECT 'a\\' || pg_sleep(5) --'` },
    { why: 'E-string escapes', sql: `SELECT E'\\x27' || pg_sleep(1)`, at: [1, 8] },
    { why: 'dollar quoting', sql: 'SELECT $x$ drop table users $x$' },
    { why: 'a parameter', sql: `SELECT * FROM ${M}.mine WHERE v = $1` },
    { why: 'Unicode escapes in a name', sql: `SELECT U&"\\0070g_sleep"(1)` },
    { why: 'deep nesting', sql: `${'('.repeat(300)}SELECT 1${')'.repeat(300)}` },
    { why: 'a huge query', sql: `SELECT ${'1 + '.repeat(40_000)}1` },
    // Queries over the time and row limits.
    { why: 'WITH RECURSIVE (could loop forever)', sql: 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r' },
    { why: 'a trillion generated rows', sql: 'SELECT count(*) FROM generate_series(1, 1000000000000)' },
    { why: 'a four-way cross join', sql: `SELECT count(*) FROM ${M}.big a, ${M}.big b, ${M}.big c, ${M}.big d` },
    { why: 'more rows than the cap', sql: `SELECT a.n, b.n FROM ${M}.big a, ${M}.big b` },
  ];
}

describe.each(SQL_BACKENDS)('SQL sandbox on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  let mallory: SignedUp;
  let canaryTable: string;
  const run = (q: string, token: string) => hub.graphql(RUN, { q }, token);
  const snapshot = async () => ({
    users: (await hub.sql(`SELECT count(*)::int AS n FROM users`))[0].n,
    sessions: (await hub.sql(`SELECT count(*)::int AS n FROM sessions`))[0].n,
    versions: (await hub.sql(`SELECT count(*)::int AS n FROM dataset_versions`))[0].n,
    relations: (await hub.sql(`SELECT count(*)::int AS n FROM pg_class WHERE relnamespace IN ('public'::regnamespace, 'datasets'::regnamespace)`))[0].n,
    canary: await hub.sql(`SELECT v, note FROM ${canaryTable} ORDER BY _row`),
  });

  beforeAll(async () => {
    hub = await startTestHub({ backend, env: { AIMASS_SQL_TIMEOUT_MS: '500', AIMASS_SQL_MAX_ROWS: '1000' } });
    alice = await signUp(hub);
    mallory = await signUp(hub);
    await createDataset(hub, alice.token, { name: 'canary', visibility: 'PRIVATE' });
    expect((await upload(hub, alice.token, alice.username, 'canary', 'v,note\n1,alive\n2,well\n')).status).toBe(201);
    [{ table_name: canaryTable }] = await hub.sql(
      `SELECT v.table_name FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.name = 'canary'`,
    );
    await createDataset(hub, mallory.token, { name: 'mine', visibility: 'PUBLIC' });
    expect((await upload(hub, mallory.token, mallory.username, 'mine', 'v,note\n1,x\n')).status).toBe(201);
    await createDataset(hub, mallory.token, { name: 'big', visibility: 'PUBLIC' });
    const rows = ['n,t'];
    for (let i = 0; i < 2000; i++) rows.push(`${i},${(i * 7919).toString(36)}`);
    expect((await upload(hub, mallory.token, mallory.username, 'big', rows.join('\n'))).status).toBe(201);
  });
  afterAll(() => hub?.close());

  it('refuses every query of the hostile corpus with a clear, located error, and nothing changes', async () => {
    const before = await snapshot();
    const queries = corpus(alice.username, mallory.username, canaryTable);
    expect(queries.length).toBeGreaterThanOrEqual(40);
    const failures: string[] = [];
    for (const q of queries) {
      const res = await run(q.sql, mallory.token);
      const error = res.errors?.[0];
      const code = error?.extensions?.code;
      const field = (error?.extensions?.fields as { field: string; line?: number; column?: number }[] | undefined)?.[0];
      const problems: string[] = [];
      if (res.data?.runSql) problems.push('it ran');
      if (code !== (q.code ?? 'BAD_USER_INPUT')) problems.push(`code ${code}`);
      if (field?.field !== 'query') problems.push(`field ${JSON.stringify(field)}`);
      if (q.at && (field?.line !== q.at[0] || field?.column !== q.at[1])) problems.push(`at ${field?.line}:${field?.column}`);
      if (error && /v_[0-9a-f]{32}/.test(error.message) && !q.sql.includes(canaryTable)) problems.push('leaks an internal table name');
      if (problems.length > 0) failures.push(`${q.why}: ${problems.join(', ')} — ${error?.message}`);
    }
    expect(failures).toEqual([]);

    // The hub is up, answers normal queries, and nothing was changed or read.
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    expect((await run(`SELECT count(*) AS n FROM ${mallory.username}.big`, mallory.token)).data.runSql.rows).toEqual([[2000]]);
    expect((await run(`SELECT note FROM ${alice.username}.canary ORDER BY v`, alice.token)).data.runSql.rows).toEqual([['alive'], ['well']]);
    expect(await snapshot()).toEqual(before);
  });

  it('runs queries as a plain login role whose dataset reads hang on per-query grants, with no right to anything else', async () => {
    await run(`SELECT count(*) FROM ${mallory.username}.mine`, mallory.token);
    const [role] = await hub.sql(
      `SELECT rolsuper, rolcanlogin, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
              (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = r.oid) AS memberships
         FROM pg_roles r WHERE rolname = 'aimass_sql'`,
    );
    expect(role).toEqual({ rolsuper: false, rolcanlogin: true, rolcreaterole: false, rolcreatedb: false, rolreplication: false, rolbypassrls: false, memberships: 0 });
    const can = async (table: string, privilege = 'SELECT') =>
      (await hub.sql(`SELECT has_table_privilege('aimass_sql', $1, $2) AS ok`, [table, privilege]))[0].ok;
    for (const table of ['users', 'sessions', 'api_keys', 'datasets', 'dataset_versions', 'jobs', 'aimass_private.sandbox_grants', 'aimass_private.sandbox_logins']) {
      expect(await can(table), table).toBe(false);
    }
    // Every dataset table: SELECT, but only through its row-level security policy, and nothing more.
    expect(await can(canaryTable)).toBe(true);
    expect(await can(canaryTable, 'INSERT, UPDATE, DELETE, TRUNCATE')).toBe(false);
    const unprotected = await hub.sql(
      `SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'datasets'::regnamespace AND c.relkind = 'r'
          AND NOT (c.relrowsecurity AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'aimass_sandbox_read'))`,
    );
    expect(unprotected).toEqual([]);
    expect(await hub.sql(`SELECT * FROM aimass_private.sandbox_grants`)).toEqual([]);
    const [{ ok }] = await hub.sql(
      `SELECT has_schema_privilege('aimass_sql', 'public', 'CREATE') OR has_schema_privilege('aimass_sql', 'datasets', 'CREATE')
           OR has_database_privilege('aimass_sql', current_database(), 'TEMPORARY') AS ok`,
    );
    expect(ok).toBe(false);
  });

  it('stops a query that runs past AIMASS_SQL_TIMEOUT_MS and stays up', async () => {    const M = mallory.username;
    const started = Date.now();
    const res = await run(`SELECT count(DISTINCT md5(md5(a.t || b.t))) FROM ${M}.big a, ${M}.big b`, mallory.token);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toContain('ran longer than 500 ms');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await run(`SELECT count(*) AS n FROM ${M}.mine`, mallory.token)).data.runSql.rows).toEqual([[1]]);
  });
});
