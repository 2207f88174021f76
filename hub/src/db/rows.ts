/** Anything that runs SQL: the DataSource, a transaction's EntityManager, a QueryRunner. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

/** A Queryable that also runs a statement as a named prepared statement (db/prepared.ts); answers its rows. */
export interface PreparedQueryable extends Queryable {
  prepared(name: string, sql: string, parameters: unknown[]): Promise<any[]>;
}

/**
 * The rows of a `query()` result. TypeORM's postgres driver answers UPDATE/DELETE … RETURNING with
 * `[rows, count]` and SELECT/INSERT … RETURNING with the rows; PGlite answers the rows. Rows are
 * objects, so an array in the first place is the `[rows, count]` shape.
 */
export function rows<T = any>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}
