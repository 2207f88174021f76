/**
 * A connection of its own for the few statements that run so often that planning them is most of
 * their cost: each runs as a named prepared statement with its generic plan, planned once per
 * connection. The claim statement (compute/queue/claim-jobs.ts) took about 1 ms to plan and 0.5 ms
 * to run, every claim; prepared once it costs its execution alone (docs/performance.md#claims).
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
 * Sequential scans are off too: every table the claim reads is reached by an index, and a generic
 * plan for a small table (1,000 jobs) would otherwise scan the whole queue to update the one job
 * it picked by primary key, so its cost would grow with the queue (docs/performance.md#claims).
 *
 * One connection, so its statements run one at a time (the scheduler claims one agent's jobs at a
 * time anyway); kept open while idle, so statements stay prepared; a lost connection is replaced by
 * the next statement, which prepares them again. Not on PGlite: its sessions are shared by every
 * socket connection, so a statement prepared by a closed connection would still exist for the next
 * one; there the caller runs its statements on the DataSource, planned each time.
 */
import pg from 'pg';
import type { PreparedQueryable } from './rows.js';

export interface PreparedConnection extends PreparedQueryable {
  close(): Promise<void>;
}

/** Opens (on first use) a connection to `url` that runs prepared statements with generic plans, JIT and sequential scans off. */
export function preparedConnection(url: string, applicationName: string): PreparedConnection {
  const pool = new pg.Pool({
    connectionString: url,
    max: 1,
    idleTimeoutMillis: 0,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    application_name: applicationName,
    options: '-c plan_cache_mode=force_generic_plan -c jit=off -c enable_seqscan=off',
  });
  // An idle connection that breaks is dropped by the pool; the next statement opens another.
  pool.on('error', () => undefined);
  return {
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    prepared: async (name, sql, params) => (await pool.query({ name, text: sql, values: params })).rows,
    close: () => pool.end(),
  };
}
