/**
 * Entities from rows read with plain SQL as JSON, with the values TypeORM itself would hydrate
 * from the same columns, for hot paths that skip its query builder: {@link entityJsonSql} writes
 * the row as one JSON object (`to_jsonb(v)` does too, e.g. in a correlated subquery that brings one
 * related row per row of a page), {@link entityFromJson} builds the entity from it: timestamps
 * become Dates, bigint and numeric strings (as the driver answers them).
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
  const columns = metadata.columns.map((column) => ({
    column,
    name: column.databaseName,
    convert: converter(column),
    // A plain column of the entity itself is a property: set it directly, as setEntityValue would
    // (which looks for embeddeds and relations on every call, per row and column).
    property: column.embeddedMetadata || column.relationMetadata ? undefined : column.propertyName,
  }));
  const build = (row: Record<string, unknown>): T => {
    const entity = metadata.create() as T;
    for (const { column, name, convert, property } of columns) {
      if (!(name in row)) continue;
      if (property !== undefined) (entity as Record<string, unknown>)[property] = convert(row[name]);
      else column.setEntityValue(entity, convert(row[name]));
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

/**
 * One `json` value holding every column of `target`'s table under `alias` by its column name (what
 * {@link entityFromJson} reads), plus `more` (name → SQL). A row of one JSON text is parsed by
 * `JSON.parse` in one native call, where a row of many columns goes through the driver's parser per
 * column (timestamps, arrays, JSON each in JavaScript).
 */
export function entityJsonSql(db: DataSource, target: EntityTarget<ObjectLiteral>, alias: string, more: Record<string, string> = {}): string {
  const pairs = db.getMetadata(target).columns.map((c) => `'${c.databaseName}', ${alias}."${c.databaseName}"`);
  for (const [name, sql] of Object.entries(more)) pairs.push(`'${name}', (${sql})`);
  // json_build_object takes at most 100 arguments (FUNC_MAX_ARGS): 50 columns and extras.
  if (pairs.length > 50) throw new Error(`${alias}: too many columns for one json_build_object`);
  return `json_build_object(${pairs.join(', ')})`;
}
