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
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata.js';

const DATES = new Set(['timestamptz', 'timestamp', 'timestamp with time zone', 'timestamp without time zone']);
const AS_TEXT = new Set(['bigint', 'int8', 'numeric', 'decimal']);

type Convert = (value: unknown) => unknown;

/** A column's transformers as one function (as TypeORM's postgres driver does, nulls go through them too); worked out once per column, not per value. */
function transformerOf(column: ColumnMetadata): Convert {
  const transformers = column.transformer === undefined ? [] : Array.isArray(column.transformer) ? [...column.transformer].reverse() : [column.transformer];
  if (transformers.length === 0) return (value) => value ?? null;
  return (value) => {
    let hydrated = value ?? null;
    for (const t of transformers) hydrated = t.from(hydrated);
    return hydrated;
  };
}

function fromJson(column: ColumnMetadata): Convert {
  const transform = transformerOf(column);
  const type = typeof column.type === 'string' ? column.type : '';
  if (DATES.has(type)) return (value) => transform(typeof value === 'string' ? new Date(value) : value);
  if (AS_TEXT.has(type)) return (value) => transform(typeof value === 'number' ? String(value) : value);
  return transform;
}

/** Built once per entity and converter: a page builds its entities with the same function each time. */
const builders = new WeakMap<(column: ColumnMetadata) => Convert, WeakMap<EntityMetadata, (row: Record<string, unknown>) => ObjectLiteral>>();

function builder<T extends ObjectLiteral>(db: DataSource, target: EntityTarget<T>, converter: (column: ColumnMetadata) => Convert): (row: Record<string, unknown>) => T {
  const metadata = db.getMetadata(target);
  let known = builders.get(converter);
  if (!known) builders.set(converter, (known = new WeakMap()));
  const built = known.get(metadata);
  if (built) return built as (row: Record<string, unknown>) => T;
  const columns = metadata.columns.map((column) => ({ column, name: column.databaseName, convert: converter(column) }));
  const build = (row: Record<string, unknown>): T => {
    const entity = metadata.create() as T;
    for (const { column, name, convert } of columns) {
      if (name in row) column.setEntityValue(entity, convert(row[name]));
    }
    return entity;
  };
  known.set(metadata, build);
  return build;
}

/** A function making an entity of `target` from the JSON of one of its table's rows (snake_case keys, as stored). */
export function entityFromJson<T extends ObjectLiteral>(db: DataSource, target: EntityTarget<T>): (json: Record<string, unknown>) => T {
  return builder(db, target, fromJson);
}

/** A function making an entity of `target` from a row of its table's columns as the driver parsed them. */
export function entityFromRow<T extends ObjectLiteral>(db: DataSource, target: EntityTarget<T>): (row: Record<string, unknown>) => T {
  return builder(db, target, transformerOf);
}

/** The select list of every column of `target`'s table under `alias` (what {@link entityFromRow} reads). */
export function entityColumnsSql(db: DataSource, target: EntityTarget<ObjectLiteral>, alias: string): string {
  return db
    .getMetadata(target)
    .columns.map((c) => `${alias}."${c.databaseName}"`)
    .join(', ');
}
