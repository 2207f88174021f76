/**
 * Runs one rewritten SELECT on a sandbox connection (sandbox.ts: its own login, its own pool) and
 * returns one page of it.
 *
 * Each call is one transaction: `READ ONLY`, `statement_timeout`, search_path = pg_catalog,
 * standard_conforming_strings on, TimeZone UTC, work_mem, no parallel workers (so a plain scan of
 * an immutable dataset table returns rows in the same order on every run). It is always rolled
 * back.
 *
 * Paging: the page is `OFFSET`/`LIMIT` over the query capped at `maxRows + 1` rows, with a window
 * count and a window byte sum over the capped result: every page re-runs the query (cursors hold
 * the offset), and more than `maxRows` rows or `maxBytes` bytes (each row as PostgreSQL stores it,
 * pg_column_size) is refused rather than truncated. Before running, the planner's cost estimate is
 * compared with `maxCost`, which refuses obviously huge queries before they take a connection's
 * time; the statement timeout stops the rest (including those whose estimate was fooled).
 */
import type pg from 'pg';
import { SANDBOX_WORK_MEM } from './sandbox-role.js';
import { SqlError } from './sql-error.js';
import { jsonRowSql } from './json-values-sql.js';
import { resultTypes } from './sql-values.js';

export interface SandboxLimits {
  timeoutMs: number;
  maxRows: number;
  maxCost: number;
  /** Most bytes the whole result may hold (AIMASS_SQL_MAX_RESULT_BYTES). */
  maxBytes: number;
}

export interface SandboxPage {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  totalCount: number;
}

/** format_type() names by type oid and modifier; the same on every database. */
const typeNames = new Map<string, string>();

/** A PostgreSQL error from running the user's query. */
export interface PgError {
  code?: string;
  message: string;
}

export async function runSandboxed(
  client: pg.ClientBase,
  sql: string,
  page: { offset: number; first: number },
  limits: SandboxLimits,
  /** Turns a PostgreSQL error from the user's query into what the user should read. */
  explain: (error: PgError) => Error,
): Promise<SandboxPage> {
  try {
    await begin(client, limits);
    const capped = `SELECT * FROM (${sql}) AS aimass_query LIMIT ${limits.maxRows + 1}`;
    const paged = `SELECT aimass_page.*, count(*) OVER () AS aimass_total, sum(pg_column_size(aimass_page.*)) OVER () AS aimass_bytes FROM (${capped}) AS aimass_page OFFSET ${page.offset} LIMIT ${page.first}`;
    const result = await userQuery(explain, async () => {
      await checkCost(client, paged, limits);
      return client.query<unknown[]>({ text: paged, rowMode: 'array', types: resultTypes });
    });
    const fields = result.fields.slice(0, -2);
    let total = result.rows.length > 0 ? Number(result.rows[0][fields.length]) : 0;
    const bytes = result.rows.length > 0 ? Number(result.rows[0][fields.length + 1]) : 0;
    if (result.rows.length === 0 && page.offset > 0) {
      const [{ n }] = (await client.query(`SELECT count(*)::int AS n FROM (${capped}) AS aimass_page`)).rows;
      total = n;
    }
    checkSize(total, bytes, limits);
    const columns = await describe(client, fields);
    return { columns, rows: result.rows.map((row) => row.slice(0, -2)), totalCount: total };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

/** At most `first` rows of `sql` as the JSON text of their arrays, comma-separated (sql-values.ts's values). */
export interface SandboxJsonRows {
  columns: string[];
  rowsJson: string;
  count: number;
}

/**
 * Like {@link runSandboxed} for the first `first` rows (no paging, no total), but PostgreSQL writes
 * each row as JSON text (json-values-sql.ts) and the rows come back joined in one value, in the
 * query's order: nothing is parsed or stringified here. A result with an array column that
 * sql-values.ts parses is read and stringified the ordinary way.
 */
export async function runSandboxedJson(client: pg.ClientBase, sql: string, first: number, limits: SandboxLimits, explain: (error: PgError) => Error): Promise<SandboxJsonRows> {
  try {
    await begin(client, limits);
    const capped = `SELECT * FROM (${sql}) AS aimass_query LIMIT ${Math.min(first, limits.maxRows + 1)}`;
    const { fields } = await userQuery(explain, () => client.query({ text: `SELECT * FROM (${sql}) AS aimass_query LIMIT 0`, rowMode: 'array' }));
    const columns = fields.map((f) => f.name);
    const names = columns.map((_, i) => `c${i + 1}`).join(', ');
    const row = jsonRowSql('q', fields.map((f) => f.dataTypeID));
    if (row === null) {
      const measured = `SELECT q.*, sum(pg_column_size(q.*)) OVER () AS aimass_bytes FROM (${capped}) AS q(${names})`;
      const result = await userQuery(explain, async () => {
        await checkCost(client, measured, limits);
        return client.query<unknown[]>({ text: measured, rowMode: 'array', types: resultTypes });
      });
      checkSize(result.rows.length, result.rows.length > 0 ? Number(result.rows[0][columns.length]) : 0, limits);
      return { columns, rowsJson: result.rows.map((r) => JSON.stringify(r.slice(0, -1))).join(','), count: result.rows.length };
    }
    // string_agg takes the rows in the subquery's order (a plain scan, no parallel workers).
    const joined = `SELECT count(*)::int AS n, coalesce(sum(pg_column_size(q.*)), 0)::float8 AS bytes, coalesce(string_agg(${row}, ','), '') AS rows FROM (${capped}) AS q(${names})`;
    const result = await userQuery(explain, async () => {
      await checkCost(client, joined, limits);
      return client.query<{ n: number; bytes: number; rows: string }>(joined);
    });
    const { n, bytes, rows } = result.rows[0];
    checkSize(n, bytes, limits);
    return { columns, rowsJson: rows, count: n };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

/** The transaction every sandboxed query runs in (one round trip: a simple-protocol query may hold several statements). */
async function begin(client: pg.ClientBase, limits: SandboxLimits): Promise<void> {
  await client.query(
    [
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      `SET LOCAL statement_timeout = ${Math.trunc(limits.timeoutMs)}`,
      `SET LOCAL search_path = pg_catalog`,
      `SET LOCAL standard_conforming_strings = on`,
      `SET LOCAL TimeZone = 'UTC'`,
      `SET LOCAL DateStyle = 'ISO, YMD'`,
      `SET LOCAL max_parallel_workers_per_gather = 0`,
      `SET LOCAL work_mem = '${SANDBOX_WORK_MEM}'`,
      `SET LOCAL idle_in_transaction_session_timeout = ${Math.trunc(limits.timeoutMs) + 10_000}`,
    ].join('; '),
  );
}

/** Runs what touches the user's query: its PostgreSQL errors become `explain`'s. */
async function userQuery<T>(explain: (error: PgError) => Error, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SqlError) throw error;
    if (typeof (error as PgError).code === 'string') throw explain(error as PgError);
    throw error;
  }
}

/** Refuses `sql` when the planner's estimate is above maxCost, before it takes the connection's time. */
async function checkCost(client: pg.ClientBase, sql: string, limits: SandboxLimits): Promise<void> {
  const plan = await client.query({ text: `EXPLAIN (FORMAT JSON) ${sql}`, rowMode: 'array' });
  const json = plan.rows[0][0];
  const cost = Number((typeof json === 'string' ? JSON.parse(json) : json)[0]?.Plan?.['Total Cost']);
  if (cost > limits.maxCost) {
    throw new SqlError(
      'BAD_USER_INPUT',
      `the query is estimated to cost ${Math.round(cost).toLocaleString('en-US')}, more than the limit ` +
        `(AIMASS_SQL_MAX_COST = ${limits.maxCost.toLocaleString('en-US')}): it would run too long; narrow it with WHERE, LIMIT or join conditions`,
      null,
    );
  }
}

/** Refuses a result of more than maxRows rows or maxBytes bytes rather than truncating it. */
function checkSize(total: number, bytes: number, limits: SandboxLimits): void {
  if (total > limits.maxRows) {
    throw new SqlError(
      'BAD_USER_INPUT',
      `the result has more than ${limits.maxRows.toLocaleString('en-US')} rows (the limit, AIMASS_SQL_MAX_ROWS): add a WHERE, a LIMIT or aggregate`,
      null,
    );
  }
  if (bytes > limits.maxBytes) {
    throw new SqlError(
      'BAD_USER_INPUT',
      `the result holds more than ${limits.maxBytes.toLocaleString('en-US')} bytes (the limit, AIMASS_SQL_MAX_RESULT_BYTES): select fewer or shorter columns, or fewer rows`,
      null,
    );
  }
}

/** Column names and their PostgreSQL type names (`bigint`, `double precision`, `text[]` …). */
async function describe(client: pg.ClientBase, fields: pg.FieldDef[]): Promise<{ name: string; type: string }[]> {
  const key = (f: pg.FieldDef) => `${f.dataTypeID}:${f.dataTypeModifier}`;
  const missing = fields.filter((f) => !typeNames.has(key(f)));
  if (missing.length > 0) {
    const { rows } = await client.query(
      `SELECT t.oid::int AS oid, t.mod::int AS mod, format_type(t.oid, nullif(t.mod, -1)) AS name
         FROM unnest($1::oid[], $2::int[]) AS t(oid, mod)`,
      [missing.map((f) => f.dataTypeID), missing.map((f) => f.dataTypeModifier)],
    );
    for (const row of rows) typeNames.set(`${row.oid}:${row.mod}`, row.name);
  }
  return fields.map((f) => ({ name: f.name, type: typeNames.get(key(f)) ?? 'unknown' }));
}
