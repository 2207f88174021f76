/** Anything that runs SQL: the DataSource, a transaction's EntityManager, a QueryRunner. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

/** TypeORM answers UPDATE … RETURNING with [rows, count] and INSERT … RETURNING with rows. */
export function returnedRows<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}
