/** Anything that runs SQL: a DataSource, an EntityManager inside a transaction, a QueryRunner. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

/** TypeORM answers UPDATE … RETURNING with [rows, count] on postgres. */
export function updatedRows<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}
