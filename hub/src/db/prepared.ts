/**
 * A connection of its own for the few statements that run so often that planning them is most of
 * their cost: each runs as a prepared statement with its generic plan, planned once per
 * connection. The claim statement (compute/queue/claim-jobs.ts) took about 1 ms to plan and 0.5 ms
 * to run, every claim; prepared once it costs its execution alone (docs/performance.md#claims).
 *
 * A statement is prepared with `PREPARE name AS …` (its parameters' types inferred, as for a Parse
 * message that leaves them unspecified) and run with `EXECUTE name('…', …)` in the simple query
 * protocol: one message each way, as the bare `SKIP LOCKED` statement it is measured against. The
 * extended protocol (Bind, Describe, Execute, Sync, through pg's query config, from a pool) cost the
 * driver 14–30 % more CPU per claim. Each parameter goes in as the text pg would have bound
 * (see {@link textValue}), quoted as a literal: the server turns it into the parameter's type with
 * the same input function as a bound value, so nothing in a value is ever read as SQL.
 *
 * The connection starts with `plan_cache_mode = force_generic_plan` and `jit = off` as its own
 * defaults, so a statement costs one round trip: no `SET LOCAL` before and after it. That is why it
 * is a connection apart: the pool's connections keep the defaults, and a generic plan of the
 * unnamed statements TypeORM sends (over `unnest($1)`, say) may expect a hundred rows and scan a
 * table to join one. JIT is decided when a plan is made: a generic plan costed above
 * `jit_above_cost` (the claim's, with 100,000 queued jobs) would be compiled again at every
 * execution, 100 ms each. PostgreSQL's own choice (`auto`) keeps planning the claim anew, because
 * its generic plan's estimated cost (with a LIMIT and owners it cannot see) is above the custom
 * plans'.
 *
 * Sequential and bitmap scans are off too: every table the claim reads is reached by an index, and
 * a generic plan for a small table (1,000 jobs) would otherwise scan the whole queue to update the
 * one job it picked by primary key, so its cost would grow with the queue; a bitmap scan for that
 * one row costs more than an index scan (a bitmap, and the table's size asked of the kernel).
 *
 * One client, not a pool (a pool of one added its checkout and release to every statement), so its
 * statements run one at a time, in the order sent (the scheduler claims one agent's jobs at a time
 * anyway); kept open while idle, so statements stay prepared; a lost connection is replaced by the
 * next statement, which prepares them again. Not on PGlite: its sessions are shared by every
 * socket connection, so a statement prepared by a closed connection would still exist for the next
 * one; there the caller runs its statements on the DataSource, planned each time.
 */
import pg from 'pg';
import type { PreparedQueryable } from './rows.js';

export interface PreparedConnection extends PreparedQueryable {
  /**
   * Opens the connection, prepares the statement and makes its generic plan (`EXPLAIN EXECUTE`
   * with `parameters` plans without running), so its first real run costs no more than the next:
   * a hub's first claim otherwise paid the connection's start, the PREPARE and the planning in a
   * backend with cold caches (about 50 ms against 5).
   */
  warm(name: string, sql: string, parameters: unknown[]): Promise<void>;
  close(): Promise<void>;
}

interface Session {
  client: pg.Client;
  ready: Promise<void>;
  /** Statement names prepared (or being prepared) on this connection, with the text each was prepared from. */
  prepared: Map<string, { sql: string; done: Promise<unknown> }>;
  broken: boolean;
  drop(): void;
}

/** Opens (on first use) a connection to `url` that runs prepared statements with generic plans, JIT, sequential and bitmap scans off. */
export function preparedConnection(url: string, applicationName: string): PreparedConnection {
  let session: Session | undefined;
  let closed = false;
  const open = (): Session => {
    if (closed) throw new Error('prepared connection closed');
    if (session && !session.broken) return session;
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
      application_name: applicationName,
      options: '-c plan_cache_mode=force_generic_plan -c jit=off -c enable_seqscan=off -c enable_bitmapscan=off',
    });
    // A connection that breaks (idle or not) is dropped; the next statement opens another.
    const drop = () => {
      if (s.broken) return;
      s.broken = true;
      void client.end().catch(() => undefined);
    };
    const s: Session = { client, ready: client.connect().then(() => undefined), prepared: new Map(), broken: false, drop };
    client.on('error', drop);
    client.on('end', () => (s.broken = true));
    s.ready.catch(drop);
    session = s;
    return s;
  };
  // A statement that fails for a reason of its own leaves the connection usable; one the server ended
  // the connection for (SQLSTATE classes 08 and 57P), or that never reached it (no SQLSTATE), does not.
  const run = async (s: Session, sql: string, params?: unknown[]) => {
    try {
      return (await s.client.query(sql, params)).rows;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || /^(08|57P)/.test(code)) s.drop();
      throw error;
    }
  };
  const query = async (sql: string, params?: unknown[]) => {
    const s = open();
    await s.ready;
    return run(s, sql, params);
  };
  /** The session, once `name` is prepared on it from `sql`. */
  const preparedOn = async (name: string, sql: string): Promise<Session> => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a statement name: ${name}`);
    const s = open();
    await s.ready;
    let statement = s.prepared.get(name);
    if (!statement) {
      // Sent before any EXECUTE queued after it (the client runs its queries in order); a statement
      // that fails to prepare is prepared again by the next call.
      const done = run(s, `PREPARE ${name} AS ${sql}`);
      statement = { sql, done };
      s.prepared.set(name, statement);
      const failed = statement;
      done.catch(() => s.prepared.get(name) === failed && s.prepared.delete(name));
    } else if (statement.sql !== sql) {
      throw new Error(`prepared statement ${name} was prepared from another text`);
    }
    await statement.done;
    return s;
  };
  return {
    query,
    prepared: async (name, sql, params) => {
      const s = await preparedOn(name, sql);
      return run(s, `EXECUTE ${name}${argumentList(params)}`);
    },
    warm: async (name, sql, params) => {
      const s = await preparedOn(name, sql);
      // Plans (the generic plan, kept with the statement: plan_cache_mode is force_generic_plan here) without running.
      await run(s, `EXPLAIN EXECUTE ${name}${argumentList(params)}`);
    },
    close: async () => {
      closed = true;
      const s = session;
      session = undefined;
      if (s && !s.broken) await s.ready.then(() => s.client.end()).catch(() => undefined);
    },
  };
}

/** `(…)` of the parameters as literals, or nothing when there are none. */
function argumentList(params: unknown[]): string {
  return params.length === 0 ? '' : `(${params.map(literal).join(', ')})`;
}

/** A parameter as an SQL literal of unknown type (NULL for null): the server reads its text with the parameter type's input function. */
function literal(value: unknown): string {
  const text = textValue(value);
  return text === null ? 'NULL' : pg.escapeLiteral(text);
}

/** A value as the text pg binds for it (null for SQL NULL): arrays as array literals, dates as ISO 8601, objects as JSON. */
export function textValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `{${value.map(arrayElement).join(',')}}`;
  if (Buffer.isBuffer(value)) throw new TypeError('prepared statements here take no binary parameters');
  return JSON.stringify(value);
}

function arrayElement(value: unknown): string {
  if (Array.isArray(value)) return textValue(value)!;
  const text = textValue(value);
  return text === null ? 'NULL' : `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
