/**
 * The market's search: full-text over name (weight A), tags (B) and description (C) with a GIN
 * index (migration 1764700000000), filters by tag, license and owner, and a choice of order —
 * relevance, stars, usage, recently updated, newest — with keyset cursors over (sort key, id)
 * (db/keyset-search.ts, shared with the model catalog).
 */
import { registerEnumType } from 'type-graphql';
import type { DataSource } from 'typeorm';
import type { Principal } from '../accounts/index.js';
import type { Page, PageArgs } from '../db/paging.js';
import { filterText, keysetPage, keysetRequest, TS_QUERY, type SortKey } from '../db/keyset-search.js';
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

const SORT_KEY: Record<DatasetSort, SortKey> = {
  [DatasetSort.RELEVANCE]: { expr: `ts_rank(d.search, ${TS_QUERY})`, type: 'real' },
  [DatasetSort.STARS]: { expr: 'd.stars', type: 'int' },
  [DatasetSort.USAGE]: { expr: 'd.usage_count', type: 'bigint' },
  [DatasetSort.UPDATED]: { expr: 'd.updated_at', type: 'timestamptz' },
  [DatasetSort.NEWEST]: { expr: 'd.created_at', type: 'timestamptz' },
};

export async function searchDatasets(db: DataSource, principal: Principal | null, filter: DatasetSearch, args: PageArgs): Promise<Page<Dataset>> {
  const request = keysetRequest(filter, args, SORT_KEY, { relevance: DatasetSort.RELEVANCE, otherwise: DatasetSort.NEWEST });
  const tag = filterText('tag', filter.tag);
  const license = filterText('license', filter.license);
  const qb = db.getRepository(Dataset).createQueryBuilder('d');
  // A visitor without an account is listed public datasets only (unlisted ones need their name).
  if (!principal) qb.where(`d.visibility = 'public'`);
  else if (principal.user.isAdmin) qb.where('true');
  else {
    qb.where(
      `(d.visibility = 'public' OR d.ownerId = :me OR d.ownerId IN (SELECT organization_id FROM memberships WHERE user_id = :me)
        OR d.id IN (SELECT dataset_id FROM dataset_collaborators WHERE user_id = :me))`,
      { me: principal.user.id },
    );
  }
  if (request.text) qb.andWhere(`d.search @@ ${TS_QUERY}`, { q: request.text });
  if (tag) qb.andWhere(':tag = ANY(d.tags)', { tag: tag.toLowerCase() });
  if (license) qb.andWhere('lower(d.license) = lower(:license)', { license });
  if (filter.ownerId) qb.andWhere('d.ownerId = :ownerId', { ownerId: filter.ownerId });
  return keysetPage(qb, request, SORT_KEY[request.sort]);
}
