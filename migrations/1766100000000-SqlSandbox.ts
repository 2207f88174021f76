import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SQL sandbox's per-query read access (docs/sql-sandbox.md). The sandbox role (created by the
 * hub at start, not here: roles belong to the whole server and creating one needs CREATEROLE) has
 * SELECT on every dataset table, and row-level security makes that worth nothing unless the hub
 * granted the table to the sandbox session running the query:
 *
 * - `aimass_private`: the hub's own schema, no privilege for anyone else. `sandbox_grants` holds
 *   one row per (sandbox backend, dataset table) for the duration of one query, keyed by the
 *   backend's pid and its backend_start, so a row a crashed hub left behind never matches a later
 *   session that reuses the pid. `sandbox_logins` keeps the password of the hub-made role, so
 *   every hub on this database logs in with the same one.
 * - `aimass_sandbox`: what the sandbox role may call. `(SELECT may_read(table))` is the policy of
 *   every dataset table; as an uncorrelated subquery it runs once per query as an InitPlan, and each
 *   row only tests its result (a bare function call in a policy is evaluated per row). It reads the caller's own backend_start (a session may always
 *   see its own row of pg_stat_activity) and asks `granted`, which runs as the hub's user to read
 *   the grants table for the caller's own pid only. `agg_input` counts the bytes that string and
 *   array aggregates take in and stops a query past its cap.
 */
export class SqlSandbox1766100000000 implements MigrationInterface {
  name = 'SqlSandbox1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA aimass_private`);
    await q.query(`REVOKE ALL ON SCHEMA aimass_private FROM PUBLIC`);
    await q.query(`
      CREATE TABLE aimass_private.sandbox_logins (
        role_name text PRIMARY KEY,
        password text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE aimass_private.sandbox_grants (
        query_id uuid NOT NULL,
        pid integer NOT NULL,
        backend_start timestamptz NOT NULL,
        table_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (pid, table_name, query_id)
      )`);
    await q.query(`CREATE INDEX sandbox_grants_query ON aimass_private.sandbox_grants (query_id)`);

    await q.query(`CREATE SCHEMA aimass_sandbox`);
    await q.query(`REVOKE ALL ON SCHEMA aimass_sandbox FROM PUBLIC`);
    await q.query(`
      CREATE FUNCTION aimass_sandbox.granted(p_table text, p_backend_start timestamptz) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
          SELECT EXISTS (
            SELECT 1 FROM aimass_private.sandbox_grants g
             WHERE g.pid = pg_catalog.pg_backend_pid() AND g.backend_start = p_backend_start AND g.table_name = p_table)
        $$`);
    await q.query(`
      CREATE FUNCTION aimass_sandbox.may_read(p_table text) RETURNS boolean
        LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
          SELECT coalesce(bool_or(aimass_sandbox.granted(p_table, a.backend_start)), false)
            FROM pg_catalog.pg_stat_activity a WHERE a.pid = pg_catalog.pg_backend_pid()
        $$`);
    // No SET search_path here: it is called once per aggregated row, and a SET clause costs a GUC
    // save and restore per call. Every function is qualified instead (NULLIF and COALESCE are
    // syntax, not functions). The text overload takes untyped literals (string_agg('x', '')),
    // which the polymorphic one cannot.
    for (const type of ['anyelement', 'text']) {
      await q.query(`
        CREATE FUNCTION aimass_sandbox.agg_input(p_value ${type}, p_cap bigint) RETURNS ${type}
          LANGUAGE plpgsql VOLATILE AS $$
          DECLARE
            used bigint := COALESCE(NULLIF(pg_catalog.current_setting('aimass.agg_bytes', true), ''), '0')::bigint
                           OPERATOR(pg_catalog.+) COALESCE(pg_catalog.pg_column_size(p_value), 0);
          BEGIN
            IF used OPERATOR(pg_catalog.>) p_cap THEN
              RAISE EXCEPTION 'the aggregates of this query take in more than % bytes (the limit, AIMASS_SQL_MAX_RESULT_BYTES): aggregate fewer rows or shorter values', p_cap
                USING ERRCODE = 'program_limit_exceeded';
            END IF;
            PERFORM pg_catalog.set_config('aimass.agg_bytes', used::text, true);
            RETURN p_value;
          END $$`);
    }

    // Dataset tables made before this migration get the policy now; ingest adds it to new ones.
    const tables: { name: string }[] = await q.query(
      `SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = 'datasets'::regnamespace AND c.relkind = 'r'`,
    );
    for (const { name } of tables) {
      await q.query(`ALTER TABLE datasets."${name}" ENABLE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY aimass_sandbox_read ON datasets."${name}" FOR SELECT USING ((SELECT aimass_sandbox.may_read('datasets.${name}')))`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const tables: { name: string }[] = await q.query(
      `SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = 'datasets'::regnamespace AND c.relkind = 'r'`,
    );
    for (const { name } of tables) {
      await q.query(`DROP POLICY IF EXISTS aimass_sandbox_read ON datasets."${name}"`);
      await q.query(`ALTER TABLE datasets."${name}" DISABLE ROW LEVEL SECURITY`);
    }
    await q.query(`DROP SCHEMA aimass_sandbox CASCADE`);
    await q.query(`DROP SCHEMA aimass_private CASCADE`);
  }
}
