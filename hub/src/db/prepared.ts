/**
 * Named prepared statements with a generic plan, for the few statements that run so often that
 * planning them is most of their cost. The claim statement (compute/queue/claim-jobs.ts) took
 * about 1 ms to plan and 0.5 ms to run, every claim; prepared once per connection and run with
 * its generic plan it costs its execution alone (docs/performance.md#claims has the figures).
 *
 * Only inside a transaction: `plan_cache_mode = force_generic_plan` and `jit = off` are set for
 * this statement (SET LOCAL, then back to the defaults for the rest of the transaction). JIT is
 * decided when a plan is made: a generic plan costed above `jit_above_cost` (the claim's, with
 * 100,000 queued jobs) would be compiled again at every execution, 100 ms each. PostgreSQL's own
 * choice (`auto`) keeps planning this statement anew, because its generic plan's estimated cost
 * (with a LIMIT and owners it cannot see) is above the custom plans'. Statements TypeORM sends are
 * unnamed and planned as before. Not on PGlite: its sessions are shared by every socket
 * connection, so a statement prepared by a closed connection would still exist for the next one.
 */
import type { ClientBase } from 'pg';
import type { EntityManager } from 'typeorm';
import type { PreparedQueryable, Queryable } from './rows.js';

/** Runs `sql` as the prepared statement `name` on `client`, inside its open transaction. */
function runPrepared(client: ClientBase): PreparedQueryable['prepared'] {
  return async (name, sql, params) => {
    await client.query('SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL jit = off');
    try {
      return (await client.query({ name, text: sql, values: params })).rows;
    } finally {
      // The rest of the transaction plans as before: a generic plan of an unnamed statement over
      // `unnest($1)` expects a hundred rows and may scan a table to join one.
      await client.query('SET LOCAL plan_cache_mode TO DEFAULT; SET LOCAL jit TO DEFAULT');
    }
  };
}

/** `client` (in a transaction) as a Queryable that runs prepared statements. */
export function preparedOnClient(client: ClientBase): PreparedQueryable {
  return { query: async (sql, params) => (await client.query(sql, params)).rows, prepared: runPrepared(client) };
}

/**
 * A transaction's EntityManager as a Queryable that runs prepared statements on the transaction's
 * connection; with `enabled` false (PGlite), one whose `prepared` is plain `query`.
 */
export function preparedInTransaction(tx: EntityManager, enabled: boolean): PreparedQueryable {
  const plain: Queryable = tx;
  if (!enabled) return { query: (sql, params) => plain.query(sql, params), prepared: async (_name, sql, params) => plain.query(sql, params) };
  return {
    query: (sql, params) => plain.query(sql, params),
    prepared: async (name, sql, params) => runPrepared((await tx.queryRunner!.connect()) as ClientBase)(name, sql, params),
  };
}
