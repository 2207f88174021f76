/**
 * What the searchable lists (the data market, the model catalog) share: checking the search
 * arguments, PostgreSQL full-text query syntax, and keyset pagination over (sort key, id), highest
 * first, with a `totalCount` over the same filtered rows.
 *
 * A cursor carries the sort's name, the row's sort key in PostgreSQL's own text form (so floats
 * and timestamps compare exactly, and rows with equal keys are ordered by id: no duplicates or gaps
 * across pages) and the row's id. A cursor of another sort, or an edited one, is BAD_USER_INPUT
 * before any SQL runs, so no value from a client reaches a cast that could fail.
 */
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badInput } from '../errors.js';
import { pageSize, type Page, type PageArgs } from './paging.js';
import type { Queryable } from './rows.js';
import { reusableStatement } from './named-statement.js';

/** The longest search text and filter value accepted. */
export const MAX_SEARCH_TEXT = 200;

/**
 * The parsed search text (parameter `:q`), as web search syntax (`"a phrase"`, `-not`, `or`) in
 * both the `simple` configuration (exact words: names and tags) and `english` (stems: "readings"
 * finds "reading" in descriptions). websearch_to_tsquery never fails on what users type.
 */
export const TS_QUERY = `(websearch_to_tsquery('simple', :q) || websearch_to_tsquery('english', :q))`;

export type SortKeyType = 'int' | 'bigint' | 'real' | 'timestamptz';

/** An ORDER BY expression (over the query builder's alias) and its SQL type. */
export interface SortKey {
  expr: string;
  type: SortKeyType;
}

/** A checked request: what {@link keysetPage} runs. */
export interface KeysetRequest<S extends string> {
  /** Trimmed search text, '' for none. */
  text: string;
  sort: S;
  first: number;
  after: { key: string; id: string } | null;
}

/**
 * Checks a search request without touching the database: `first` in range, the text not too long,
 * a relevance sort only with text (the default with text is `relevance`, without it `otherwise`),
 * and a cursor from this sort.
 */
export function keysetRequest<S extends string>(
  input: { search?: string | null; sort?: S | null },
  args: PageArgs,
  sorts: Record<S, SortKey>,
  defaults: { relevance: S; otherwise: S },
): KeysetRequest<S> {
  const first = pageSize(args);
  const text = filterText('search', input.search) ?? '';
  const sort = input.sort ?? (text ? defaults.relevance : defaults.otherwise);
  if (!Object.prototype.hasOwnProperty.call(sorts, sort)) throw badInput('sort', 'is not a sort of this list');
  if (sort === defaults.relevance && !text) throw badInput('sort', 'RELEVANCE needs a search text');
  return { text, sort, first, after: args.after ? decodeCursor(args.after, sort, sorts[sort].type) : null };
}

/**
 * A filter value as typed: trimmed, NUL characters (which PostgreSQL text cannot hold) dropped,
 * null when empty; BAD_USER_INPUT naming `field` when longer than {@link MAX_SEARCH_TEXT}.
 */
export function filterText(field: string, value: string | null | undefined): string | null {
  if (value == null) return null;
  const text = value.replace(/\0/g, '').trim();
  if (text.length > MAX_SEARCH_TEXT) throw badInput(field, `must be at most ${MAX_SEARCH_TEXT} characters`);
  return text || null;
}

/**
 * Runs `qb` (filtered, with `:q` set when there is text) one page at a time, ordered by
 * `key` then id, both descending: one statement for the page and, only if the client selects
 * `totalCount`, one to count (counting every matching row is the dearest part of a plain listing).
 */
export async function keysetPage<T extends ObjectLiteral & { id: string }, S extends string>(
  qb: SelectQueryBuilder<T>,
  request: KeysetRequest<S>,
  key: SortKey,
): Promise<Page<T>> {
  const alias = qb.alias;
  let counted: Promise<number> | undefined;
  const page = qb.clone();
  if (request.after) {
    page.andWhere(`(${key.expr}, ${alias}.id) < (CAST(:afterKey AS ${key.type}), CAST(:afterId AS uuid))`, {
      afterKey: request.after.key,
      afterId: request.after.id,
    });
  }
  const { raw, entities } = await page
    .addSelect(`(${key.expr})::text`, 'keyset_sort_key')
    .orderBy(key.expr, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .limit(request.first + 1)
    .getRawAndEntities();
  const keys = new Map<string, string>(raw.map((r) => [r[`${alias}_id`], r.keyset_sort_key]));
  const edges = entities.slice(0, request.first).map((node) => ({ node, cursor: encodeCursor(request.sort, keys.get(node.id)!, node.id) }));
  return keysetResult(edges, entities.length, request, () => (counted ??= qb.clone().getCount()));
}

/** The page of `edges` out of `fetched` rows (one more than asked means a next page), counted by `count` when read. */
function keysetResult<T, S extends string>(edges: Page<T>['edges'], fetched: number, request: KeysetRequest<S>, count: () => number | Promise<number>): Page<T> {
  return {
    edges,
    // A getter: GraphQL reads it (and so counts) only when the selection names totalCount.
    get totalCount() {
      return count();
    },
    pageInfo: {
      hasNextPage: fetched > request.first,
      hasPreviousPage: request.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** A searchable list's statement in plain SQL (for {@link keysetPageSql}): parameters are `$n` of `params`. */
export interface KeysetSql {
  /** The table and its alias, e.g. `models m`. */
  from: string;
  /** The alias, whose `id` column orders ties. */
  alias: string;
  /** The select list of a row (what `row` is built from). */
  columns: string;
  /** Conditions, all of which hold. */
  where: string[];
  params: unknown[];
  /**
   * The sort key is worked out for every matching row before any is returned (a text search's
   * relevance: each match is ranked, then the best kept): then the page and its count come from one
   * statement, over the matches found once, instead of a second statement that finds them again.
   */
  ranksEveryMatch?: boolean;
  /**
   * No condition holds a value the client chose (only the reader's identity, and the cursor): the
   * page and the count go as named prepared statements whose plan PostgreSQL may keep
   * (db/named-statement.ts).
   */
  reusablePlan?: boolean;
}

/**
 * {@link keysetPage} without a query builder, for the hottest lists: the same order, cursors,
 * `hasNextPage` and `totalCount` from hand-written SQL, each row built by `build` (TypeORM's query
 * building and hydration were a good part of a catalog page's CPU). `key.expr` is plain SQL too (a
 * search text already bound in `sql.params`). The count is a statement of its own, sent only when
 * `totalCount` is read, unless {@link KeysetSql.ranksEveryMatch} (then it comes with the page).
 */
export async function keysetPageSql<R extends { id: string }, T, S extends string>(
  db: Queryable,
  sql: KeysetSql,
  request: KeysetRequest<S>,
  key: SortKey,
  build: (row: R) => T,
): Promise<Page<T>> {
  if (sql.ranksEveryMatch) return rankedPageSql(db, sql, request, key, build);
  const params = [...sql.params];
  const bind = (value: unknown) => `$${params.push(value)}`;
  const expr = key.expr;
  const where = [...sql.where];
  const counting = { where: where.join(' AND ') || 'true', params: [...params] };
  if (request.after) {
    where.push(`(${expr}, ${sql.alias}.id) < (CAST(${bind(request.after.key)} AS ${key.type}), CAST(${bind(request.after.id)} AS uuid))`);
  }
  const statement = (text: string) => (sql.reusablePlan ? reusableStatement(db, text) : text);
  const rows: (R & { keyset_sort_key: string })[] = await db.query(
    statement(`SELECT ${sql.columns}, (${expr})::text AS keyset_sort_key FROM ${sql.from}
     WHERE ${where.join(' AND ') || 'true'} ORDER BY ${expr} DESC, ${sql.alias}.id DESC LIMIT ${request.first + 1}`),
    params,
  );
  const edges = rows.slice(0, request.first).map((row) => ({ node: build(row), cursor: encodeCursor(request.sort, row.keyset_sort_key, row.id) }));
  let counted: Promise<number> | undefined;
  return keysetResult(edges, rows.length, request, () =>
    (counted ??= db
      .query(statement(`SELECT count(*) AS count FROM ${sql.from} WHERE ${counting.where}`), counting.params)
      .then((r: { count: string | number }[]) => Number(r[0].count))),
  );
}

/**
 * The page and its count in one statement: the matches (id and sort key) are found and ranked once,
 * materialized, then counted, and the page is the best of them after the cursor, joined back to its
 * table for its columns (and whatever they compute per row: for the page's rows only). The count
 * row comes even when the page is empty (a cursor past the last match).
 */
async function rankedPageSql<R extends { id: string }, T, S extends string>(
  db: Queryable,
  sql: KeysetSql,
  request: KeysetRequest<S>,
  key: SortKey,
  build: (row: R) => T,
): Promise<Page<T>> {
  const params = [...sql.params];
  const bind = (value: unknown) => `$${params.push(value)}`;
  const after = request.after
    ? `WHERE (keyset_sort, id) < (CAST(${bind(request.after.key)} AS ${key.type}), CAST(${bind(request.after.id)} AS uuid))`
    : '';
  const rows: (R & { keyset_sort_key: string | null; keyset_total: string | number })[] = await db.query(
    (sql.reusablePlan ? (text: string) => reusableStatement(db, text) : (text: string) => text)(`WITH keyset_matches AS MATERIALIZED (
       SELECT ${sql.alias}.id, ${key.expr} AS keyset_sort FROM ${sql.from} WHERE ${sql.where.join(' AND ') || 'true'}
     )
     SELECT keyset_count.n AS keyset_total, keyset_page.* FROM (SELECT count(*) AS n FROM keyset_matches) keyset_count
     LEFT JOIN LATERAL (
       SELECT ${sql.columns}, keyset_best.keyset_sort::text AS keyset_sort_key, keyset_best.keyset_sort
       FROM (SELECT id, keyset_sort FROM keyset_matches ${after} ORDER BY keyset_sort DESC, id DESC LIMIT ${request.first + 1}) keyset_best
       JOIN ${sql.from} ON ${sql.alias}.id = keyset_best.id
     ) keyset_page ON true
     ORDER BY keyset_page.keyset_sort DESC NULLS LAST, keyset_page.id DESC`),
    params,
  );
  const total = Number(rows[0].keyset_total);
  const page = rows[0].keyset_sort_key === null ? [] : rows;
  const edges = page.slice(0, request.first).map((row) => ({ node: build(row), cursor: encodeCursor(request.sort, row.keyset_sort_key!, row.id) }));
  return keysetResult(edges, page.length, request, () => total);
}

/** The answer when a filter names nothing (e.g. an unknown owner): no rows, nothing to count. */
export function emptyPage<T>(): Page<T> {
  return { edges: [], totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
}

const encodeCursor = (sort: string, key: string, id: string) => Buffer.from(JSON.stringify([sort, key, id])).toString('base64url');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** PostgreSQL's ISO output of a timestamptz, e.g. `2026-11-28 10:11:12.345+00` or `…+05:30`. */
const TIMESTAMPTZ = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

/** Whether PostgreSQL will take `key` as a value of `type` (so the cursor's CAST cannot fail). */
function validKey(key: string, type: SortKeyType): boolean {
  switch (type) {
    case 'int':
      return /^-?\d{1,10}$/.test(key) && Math.abs(Number(key)) <= 2 ** 31 - 1;
    case 'bigint':
      return /^-?\d{1,18}$/.test(key);
    case 'real': {
      if (!/^-?(\d+(\.\d*)?|\.\d+)(e[-+]?\d{1,3})?$/i.test(key)) return false;
      const n = Math.abs(Number(key));
      return n === 0 || (n >= 1.2e-38 && n <= 3.4e38);
    }
    case 'timestamptz': {
      const m = TIMESTAMPTZ.exec(key);
      if (!m) return false;
      const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
      const date = new Date(Date.UTC(year, month - 1, day));
      return year >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
    }
  }
}

function decodeCursor(cursor: string, sort: string, type: SortKeyType): { key: string; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 3 && value[0] === sort && typeof value[1] === 'string' && validKey(value[1], type) && UUID.test(value[2])) {
      return { key: value[1], id: value[2] };
    }
  } catch {
    // fall through
  }
  throw badInput('after', 'is not a cursor from this list and sort');
}
