/**
 * Entities from rows read with plain SQL, with the values TypeORM itself would hydrate from the
 * same columns, for hot paths that skip its query builder:
 * - {@link entityFromRow}: a row as the driver parsed it (`SELECT m.*`-like, snake_case names);
 * - {@link entityFromJson}: a row a statement read as JSON (`to_jsonb(v)`, e.g. in a correlated
 *   subquery that brings one related row per row of a page): timestamps become Dates, bigint and
 *   numeric strings (as the driver answers them).
 * Each column's transformer is applied; only columns are set (no relations).
 */
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

const DATES = new Set(['timestamptz', 'timestamp', 'timestamp with time zone', 'timestamp without time zone']);
const AS_TEXT = new Set(['bigint', 'int8', 'numeric', 'decimal']);

/** As TypeORM's postgres driver does, nulls go through the transformers too. */
function transformed(column: ColumnMetadata, value: unknown): unknown {
  const transformers = column.transformer === undefined ? [] : Array.isArray(column.transformer) ? [...column.transformer].reverse() : [column.transformer];
  let hydrated = value ?? null;
  for (const t of transformers) hydrated = t.from(hydrated);
  return hydrated;
}

function fromJson(column: ColumnMetadata, value: unknown): unknown {
  const type = typeof column.type === 'string' ? column.type : '';
  if (DATES.has(type) && typeof value === 'string') return transformed(column, new Date(value));
  if (AS_TEXT.has(type) && typeof value === 'number') return transformed(column, String(value));
  return transformed(column, value);
}

function builder<T extends ObjectLiteral>(db: DataSource, target: EntityTarget<T>, convert: (column: ColumnMetadata, value: unknown) => unknown) {
  const metadata = db.getMetadata(target);
  const columns = metadata.columns;
  return (row: Record<string, unknown>): T => {
    const entity = metadata.create() as T;
    for (const column of columns) {
      if (column.databaseName in row) column.setEntityValue(entity, convert(column, row[column.databaseName]));
    }
    return entity;
  };
}

/** A function making an entity of `target` from the JSON of one of its table's rows (snake_case keys, as stored). */
export function entityFromJson<T extends ObjectLiteral>(db: DataSource, target: EntityTarget<T>): (json: Record<string, unknown>) => T {
  return builder(db, target, fromJson);
}

/** A function making an entity of `target` from a row of its table's columns as the driver parsed them. */
export function entityFromRow<T extends ObjectLiteral>(db: DataSource, target: EntityTarget<T>): (row: Record<string, unknown>) => T {
  return builder(db, target, transformed);
}

/** The select list of every column of `target`'s table under `alias` (what {@link entityFromRow} reads). */
export function entityColumnsSql(db: DataSource, target: EntityTarget<ObjectLiteral>, alias: string): string {
  return db
    .getMetadata(target)
    .columns.map((c) => `${alias}."${c.databaseName}"`)
    .join(', ');
}
