/**
 * Relay-style cursor paging (https://relay.dev/graphql/connections.htm), forward only
 * (`first`/`after`). Lists are ordered newest first by (created_at, id); the cursor is that pair,
 * opaque to clients. Every list uses {@link paginate} (searchable lists: db/keyset-search.ts);
 * graphql/connection.ts gives a {@link Page} its GraphQL object types.
 */
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badInput } from '../errors.js';

/** What a client asks of a list: how many, after which cursor. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Page<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** A promise when counting is left until a client asks for it (see keysetPage). */
  totalCount: number | Promise<number>;
}

export const MAX_PAGE = 100;
const DEFAULT_PAGE = 20;

/** `first`, defaulted and checked (BAD_USER_INPUT naming `first` outside 1–{@link MAX_PAGE}). */
export function pageSize(args: PageArgs): number {
  const first = args.first ?? DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw badInput('first', `must be between 1 and ${MAX_PAGE}`);
  return first;
}

const encodeCursor = (createdAt: Date, id: string) =>
  Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && !Number.isNaN(Date.parse(value[0])) && typeof value[1] === 'string' && /^[0-9a-f-]{36}$/.test(value[1])) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw badInput('after', 'is not a cursor from this list');
}

/** Runs `qb` (already filtered) one page at a time, newest first. */
export async function paginate<T extends ObjectLiteral & { id: string; createdAt: Date }>(
  qb: SelectQueryBuilder<T>,
  args: PageArgs,
): Promise<Page<T>> {
  const first = pageSize(args);
  const alias = qb.alias;
  const totalCount = await qb.clone().getCount();
  const page = qb.clone();
  if (args.after) {
    const [createdAt, id] = decodeCursor(args.after);
    page.andWhere(`(${alias}.createdAt, ${alias}.id) < (:cursorAt, :cursorId)`, { cursorAt: createdAt, cursorId: id });
  }
  const rows = await page
    .orderBy(`${alias}.createdAt`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .take(first + 1)
    .getMany();
  const hasNextPage = rows.length > first;
  const edges = rows.slice(0, first).map((node) => ({ cursor: encodeCursor(node.createdAt, node.id), node }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
