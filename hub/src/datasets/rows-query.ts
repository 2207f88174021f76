/**
 * Preview of a version's rows: keyset pages ordered by a column (NULLs last) then row number,
 * with simple filters. Column names are checked against the version's columns and only the
 * generated names are put in SQL (quoted); every value is a bound parameter, cast to the
 * column's SQL type after being parsed by the same cell parsers the upload used.
 */
import type { DataSource } from 'typeorm';
import { AppError, badInput } from '../errors.js';
import { MAX_PAGE } from '../db/paging.js';
import { ColumnType, SQL_TYPES, type DatasetColumn } from './dataset-version.entity.js';
import { RowFilterOp, SortDirection } from './datasets.inputs.js';
import { parsers } from './ingest/cells.js';

export interface RowsArgs {
  first?: number | null;
  after?: string | null;
  orderBy?: string | null;
  direction?: SortDirection | null;
  filters?: { column: string; op: RowFilterOp; value?: string | null }[] | null;
}

export interface RowsPage {
  columns: string[];
  rows: unknown[][];
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
}

const COMPARE: Partial<Record<RowFilterOp, string>> = {
  [RowFilterOp.EQ]: '=',
  [RowFilterOp.NE]: '<>',
  [RowFilterOp.LT]: '<',
  [RowFilterOp.LE]: '<=',
  [RowFilterOp.GT]: '>',
  [RowFilterOp.GE]: '>=',
};

/** PostgreSQL functions take at most 100 arguments: build the row as jsonb arrays of 90, concatenated. */
function rowArray(columns: DatasetColumn[]): string {
  const parts: string[] = [];
  for (let i = 0; i < columns.length; i += 90) {
    parts.push(`jsonb_build_array(${columns.slice(i, i + 90).map((c) => `"${c.name}"`).join(', ')})`);
  }
  return parts.join(' || ');
}

function decodeCursor(after: string): { k: string | null; r: number } {
  try {
    const value = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (value && (typeof value.k === 'string' || value.k === null) && Number.isSafeInteger(value.r)) return value;
  } catch {
    // fall through
  }
  throw badInput('after', 'is not a cursor from this list');
}

export async function queryRows(db: DataSource, table: string, columns: DatasetColumn[], args: RowsArgs): Promise<RowsPage> {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw badInput('first', `must be between 1 and ${MAX_PAGE}`);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const params: unknown[] = [];
  const bind = (value: unknown, type?: string) => {
    params.push(value);
    return type ? `$${params.length}::${type}` : `$${params.length}`;
  };
  const where: string[] = [];
  (args.filters ?? []).forEach((filter, i) => {
    const column = byName.get(filter.column);
    if (!column) throw badInput(`filters.${i}.column`, `no column named "${filter.column}"`);
    const ident = `"${column.name}"`;
    if (filter.op === RowFilterOp.IS_NULL) return void where.push(`${ident} IS NULL`);
    if (filter.op === RowFilterOp.NOT_NULL) return void where.push(`${ident} IS NOT NULL`);
    if (filter.value === null || filter.value === undefined) throw badInput(`filters.${i}.value`, `is needed for ${filter.op}`);
    if (filter.op === RowFilterOp.CONTAINS) return void where.push(`strpos(lower(${ident}::text), lower(${bind(filter.value, 'text')})) > 0`);
    const value = parsers[column.type](filter.value.trim());
    if (value === undefined) throw badInput(`filters.${i}.value`, `is not a valid ${column.type}`);
    const op = COMPARE[filter.op];
    if (!op) throw new AppError('BAD_USER_INPUT', `Unknown filter operator ${filter.op}`);
    where.push(`${ident} ${op} ${bind(value, SQL_TYPES[column.type])}`);
  });
  const order = args.orderBy ? byName.get(args.orderBy) : undefined;
  if (args.orderBy && !order) throw badInput('orderBy', `no column named "${args.orderBy}"`);
  const desc = args.direction === SortDirection.DESC;
  const filtered = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [{ n }] = await db.query(`SELECT count(*)::bigint AS n FROM ${table} ${filtered}`, params);

  const page = [...where];
  let orderSql: string;
  let keySql = 'NULL::text';
  if (order) {
    const ident = `"${order.name}"`;
    const type = SQL_TYPES[order.type];
    keySql = `${ident}::text`;
    orderSql = `${ident} ${desc ? 'DESC' : 'ASC'} NULLS LAST, _row ASC`;
    if (args.after) {
      const { k, r } = decodeCursor(args.after);
      if (k === null) page.push(`(${ident} IS NULL AND _row > ${bind(r, 'bigint')})`);
      else {
        const key = bind(k, type);
        page.push(`(${ident} ${desc ? '<' : '>'} ${key} OR ${ident} IS NULL OR (${ident} = ${key} AND _row > ${bind(r, 'bigint')}))`);
      }
    }
  } else {
    orderSql = `_row ${desc ? 'DESC' : 'ASC'}`;
    if (args.after) page.push(`_row ${desc ? '<' : '>'} ${bind(decodeCursor(args.after).r, 'bigint')}`);
  }
  let rows: { _row: string; k: string | null; v: unknown[] }[];
  try {
    rows = await db.query(
      `SELECT _row, ${keySql} AS k, ${rowArray(columns)} AS v FROM ${table} ${page.length ? `WHERE ${page.join(' AND ')}` : ''}
        ORDER BY ${orderSql} LIMIT ${first + 1}`,
      params,
    );
  } catch (error) {
    // A forged cursor whose key does not cast to the column's type.
    if ((error as { code?: string }).code?.startsWith('22')) throw badInput('after', 'is not a cursor from this list');
    throw error;
  }
  const hasNextPage = rows.length > first;
  const shown = rows.slice(0, first);
  const last = shown.at(-1);
  return {
    columns: columns.map((c) => c.name),
    rows: shown.map((r) => r.v),
    totalCount: Number(n),
    hasNextPage,
    endCursor: last ? Buffer.from(JSON.stringify({ k: last.k, r: Number(last._row) })).toString('base64url') : null,
  };
}

export { ColumnType };
