/**
 * The market's search: full-text over name (weight A), tags (B) and description (C) with a GIN
 * index (migration 1764700000000), filters by tag, license and owner, and a choice of order —
 * relevance, stars, usage, recently updated, newest — with keyset cursors over (sort key, id)
 * (db/keyset-search.ts, shared with the model catalog).
 */
import { registerEnumType } from 'type-graphql';
import type { DataSource } from 'typeorm';
import type { Principal } from '../accounts/index.js';
import { readableSql } from '../access/index.js';
import type { Page, PageArgs } from '../db/paging.js';
import { filterText, keysetPage, keysetRequest, TS_QUERY, type SortKey } from '../db/keyset-search.js';
import { Dataset } from './dataset.entity.js';

/** Where a dataset's collaborators are (DATASET_SHARING names the same table). */
const DATASET_COLLABORATORS = { table: 'dataset_collaborators', key: 'dataset_id' };

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
  // Listed: public datasets, and any the viewer has a role on (unlisted ones need their name).
  qb.where(readableSql({ alias: 'd', collaborators: DATASET_COLLABORATORS }, { user: principal && ':me', isAdmin: principal?.user.isAdmin }, 'listed'), principal ? { me: principal.user.id } : {});
  if (request.text) qb.andWhere(`d.search @@ ${TS_QUERY}`, { q: request.text });
  if (tag) qb.andWhere(':tag = ANY(d.tags)', { tag: tag.toLowerCase() });
  if (license) qb.andWhere('lower(d.license) = lower(:license)', { license });
  if (filter.ownerId) qb.andWhere('d.ownerId = :ownerId', { ownerId: filter.ownerId });
  return keysetPage(qb, request, SORT_KEY[request.sort]);
}
