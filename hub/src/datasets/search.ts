/**
 * The market's search: full-text over name (weight A), tags (B) and description (C) with a GIN
 * index (migration 1764700000000), filters by tag, license and owner, and a choice of order —
 * relevance, stars, usage, recently updated, newest — with keyset cursors over (sort key, id).
 * Sort keys travel in cursors as PostgreSQL's own text form, so they compare exactly.
 */
import { registerEnumType } from 'type-graphql';
import type { DataSource } from 'typeorm';
import type { Principal } from '../accounts/principal.js';
import { badInput } from '../errors.js';
import { MAX_PAGE, type Page, type PageArgs } from '../graphql/connection.js';
import { Dataset } from './dataset.entity.js';

export enum DatasetSort {
  RELEVANCE = 'relevance',
  STARS = 'stars',
  USAGE = 'usage',
  UPDATED = 'updated',
  NEWEST = 'newest',
}
registerEnumType(DatasetSort, { name: 'DatasetSort', description: 'RELEVANCE needs a search text; the default is RELEVANCE with one, NEWEST without' });

export interface DatasetSearch {
  search?: string | null;
  tag?: string | null;
  license?: string | null;
  /** Owner id (the caller resolves the handle). */
  ownerId?: string | null;
  sort?: DatasetSort | null;
}

const SORT_KEY: Record<DatasetSort, { expr: string; type: string }> = {
  [DatasetSort.RELEVANCE]: { expr: `ts_rank(d.search, websearch_to_tsquery('simple', :q) || websearch_to_tsquery('english', :q))`, type: 'real' },
  [DatasetSort.STARS]: { expr: 'd.stars', type: 'int' },
  [DatasetSort.USAGE]: { expr: 'd.usage_count', type: 'bigint' },
  [DatasetSort.UPDATED]: { expr: 'd.updated_at', type: 'timestamptz' },
  [DatasetSort.NEWEST]: { expr: 'd.created_at', type: 'timestamptz' },
};

export async function searchDatasets(db: DataSource, principal: Principal, filter: DatasetSearch, args: PageArgs): Promise<Page<Dataset>> {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw badInput('first', `must be between 1 and ${MAX_PAGE}`);
  const text = filter.search?.trim() ?? '';
  if (text.length > 200) throw badInput('search', 'must be at most 200 characters');
  const sort = filter.sort ?? (text ? DatasetSort.RELEVANCE : DatasetSort.NEWEST);
  if (sort === DatasetSort.RELEVANCE && !text) throw badInput('sort', 'RELEVANCE needs a search text');
  const key = SORT_KEY[sort];

  const qb = db
    .getRepository(Dataset)
    .createQueryBuilder('d')
    .where(
      principal.user.isAdmin
        ? 'true'
        : `(d.visibility = 'public' OR d.ownerId = :me OR d.ownerId IN (SELECT organization_id FROM memberships WHERE user_id = :me)
            OR d.id IN (SELECT dataset_id FROM dataset_collaborators WHERE user_id = :me))`,
      { me: principal.user.id },
    );
  if (text) qb.andWhere(`d.search @@ (websearch_to_tsquery('simple', :q) || websearch_to_tsquery('english', :q))`, { q: text });
  if (filter.tag) qb.andWhere(':tag = ANY(d.tags)', { tag: filter.tag.trim().toLowerCase() });
  if (filter.license) qb.andWhere('lower(d.license) = lower(:license)', { license: filter.license.trim() });
  if (filter.ownerId) qb.andWhere('d.ownerId = :ownerId', { ownerId: filter.ownerId });
  const totalCount = await qb.clone().getCount();

  if (args.after) {
    const [k, id] = decodeCursor(args.after);
    qb.andWhere(`(${key.expr}, d.id) < (CAST(:k AS ${key.type}), CAST(:id AS uuid))`, { k, id });
  }
  const { raw, entities } = await qb
    .addSelect(`(${key.expr})::text`, 'sort_key')
    .orderBy(key.expr, 'DESC')
    .addOrderBy('d.id', 'DESC')
    .limit(first + 1)
    .getRawAndEntities();
  const edges = entities.slice(0, first).map((node, i) => ({ node, cursor: encodeCursor(raw[i].sort_key, node.id) }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: entities.length > first,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

const encodeCursor = (key: string, id: string) => Buffer.from(JSON.stringify([key, id])).toString('base64url');

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && value[0].length < 64 && /^[0-9a-f-]{36}$/.test(value[1])) return [value[0], value[1]];
  } catch {
    // fall through
  }
  throw badInput('after', 'is not a cursor from this list');
}
