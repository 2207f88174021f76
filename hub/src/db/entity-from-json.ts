/**
 * Entities from rows a statement read as JSON (`to_jsonb(v)`, e.g. in a correlated subquery that
 * brings one related row per row of a page), with the values TypeORM itself would hydrate from the
 * same columns: timestamps as Dates, bigint and numeric as strings (PostgreSQL's driver answers them
 * so), each column's transformer applied. Only columns are set (no relations).
 */
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

const DATES = new Set(['timestamptz', 'timestamp', 'timestamp with time zone', 'timestamp without time zone', 'date']);
const AS_TEXT = new Set(['bigint', 'int8', 'numeric', 'decimal']);

function fromJson(column: ColumnMetadata, value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  const type = typeof column.type === 'string' ? column.type : '';
  let hydrated = value;
  if (DATES.has(type) && typeof value === 'string') hydrated = type === 'date' ? value : new Date(value);
  else if (AS_TEXT.has(type) && typeof value === 'number') hydrated = String(value);
  const transformers = column.transformer === undefined ? [] : Array.isArray(column.transformer) ? [...column.transformer].reverse() : [column.transformer];
  for (const t of transformers) hydrated = t.from(hydrated);
  return hydrated;
}

/** A function making an entity of `target` from the JSON of one of its table's rows (snake_case keys, as stored). */
export function entityFromJson<T extends ObjectLiteral>(db: DataSource, target: EntityTarget<T>): (json: Record<string, unknown>) => T {
  const metadata = db.getMetadata(target);
  return (json) => {
    const entity = metadata.create() as T;
    for (const column of metadata.columns) {
      if (column.databaseName in json) column.setEntityValue(entity, fromJson(column, json[column.databaseName]));
    }
    return entity;
  };
}
