/**
 * Statements sent as named prepared statements through TypeORM's `query()`, so each pool
 * connection parses them once and PostgreSQL may keep their plan (`plan_cache_mode = auto`: after
 * five executions it keeps a generic plan when that costs no more than the custom ones). For the
 * hottest statements whose plan cannot depend on a value a client chose: the catalog's unfiltered
 * listing and its count, and a plain text search (db/keyset-search.ts `reusablePlan`), whose
 * parameters are the reader's id, the text and the cursor. Parsing and planning the listing's page
 * took about as much of PostgreSQL's time as running it (docs/performance.md, catalog search).
 *
 * Only for statements whose result columns are spelled out, never `t.*`: PostgreSQL refuses to run
 * a prepared statement whose result type changed ("cached plan must not change result type"), so a
 * migration adding a column (another hub's, on the same database) would break every connection that
 * had prepared it. That is why the session lookup (`u.*`) is not one of them.
 *
 * pg sends `{ name, text }` as a prepared statement (Parse once per connection, then Bind/Execute);
 * TypeORM's `query()` hands its first argument to pg as is, counts it (db/statement-count.ts) and
 * logs nothing, so the object passes for the SQL text it carries.
 *
 * Not on PGlite: its sessions are shared by every socket connection, so a statement prepared by a
 * connection that closed would still exist for the next one (db/prepared.ts says the same). Names
 * are a hash of the text (pg refuses one name for two texts on a connection), and only the first
 * {@link MAX_NAMED} texts get one: a statement prepared stays in its connection until it closes,
 * so what each connection holds is bounded whatever texts the callers build.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from './rows.js';

/** Distinct texts sent named at most; later ones go unnamed, as every other statement. */
export const MAX_NAMED = 200;

const databases = new WeakSet<object>();
const named = new Map<string, { name: string; text: string }>();

/** Lets {@link reusableStatement} name the statements sent on `db` (the DataSource of a PostgreSQL server, not PGlite). */
export function useNamedStatements(db: object): void {
  databases.add(db);
}

/**
 * What to pass to `db.query()` for `sql`: a named prepared statement where {@link useNamedStatements}
 * allows it, else `sql` itself. Only for statements whose best plan is the same for every value of
 * their parameters (see above).
 */
export function reusableStatement(db: Queryable, sql: string): string {
  if (!databases.has(db)) return sql;
  let statement = named.get(sql);
  if (!statement) {
    if (named.size >= MAX_NAMED) return sql;
    statement = { name: `aimass_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`, text: sql };
    named.set(sql, statement);
  }
  // pg's QueryConfig; TypeORM's query() is typed for the text alone and passes either on (see above).
  return statement as unknown as string;
}
