/**
 * Catalog search: full-text over a model's name (weight A), tags (B), description and the model
 * card of its newest published version (C), kept by triggers with a GIN index (migration
 * 1765300000000); filters by task, tag, license, owner and framework; sorts by relevance, stars,
 * downloads, recently updated or newest, with keyset cursors over (sort key, id)
 * (db/keyset-search.ts, shared with the data market).
 *
 * What a caller finds: public models, their own, their organizations' and those shared with them
 * as a collaborator (any visibility). Someone else's unlisted model is readable by its name but
 * never listed; a private one never shows, in the rows or in totalCount.
 */
import { registerEnumType } from 'type-graphql';
import { badInput } from '../errors.js';
import type { DataSource } from 'typeorm';
import type { Principal } from '../accounts/index.js';
import { readableSql } from '../access/index.js';
import type { Page, PageArgs } from '../db/paging.js';
import { filterText, keysetPageSql, keysetRequest, TS_QUERY, type KeysetRequest, type SortKey } from '../db/keyset-search.js';
import { entityFromJson, entityJsonSql } from '../db/entity-from-json.js';
import { ModelVersion } from './model-version.entity.js';
import { Model } from './model.entity.js';

/** Where a model's collaborators are (MODEL_SHARING names the same table). */
const MODEL_COLLABORATORS = { table: 'model_collaborators', key: 'model_id' };

export enum ModelSort {
  RELEVANCE = 'relevance',
  STARS = 'stars',
  DOWNLOADS = 'downloads',
  UPDATED = 'updated',
  NEWEST = 'newest',
  BENCHMARK_RANK = 'benchmark_rank',
}
registerEnumType(ModelSort, {
  name: 'ModelSort',
  description:
    'Highest first, ties by id. RELEVANCE needs a search text; BENCHMARK_RANK (best first on the benchmark filter.bestOn names) needs bestOn. The default is RELEVANCE with a search text, else BENCHMARK_RANK with bestOn, else UPDATED',
});

/**
 * "Best on X": the models' standings on a benchmark, as SQL over the catalog's alias `m`, from
 * the domain that ranks them (leaderboards registers it with CatalogService.useModelRanking).
 */
export interface ModelRanking {
  /**
   * The benchmark `ref` ("owner/name") as `principal` may read it (NOT_FOUND otherwise): `where`
   * holds for the models with a standing on it, `rank` is a model's rank there (1 is best).
   * Values go through `bind`.
   */
  rankSql(principal: Principal | null, ref: string, bind: (value: unknown) => string): Promise<{ where: string; rank: string }>;
}

export interface ModelSearch {
  /** Web search syntax: words, "a phrase", -without, or. */
  search?: string | null;
  task?: string | null;
  tag?: string | null;
  license?: string | null;
  /** A user or organization handle. */
  owner?: string | null;
  framework?: string | null;
  /** A benchmark, "owner/name": only the models with a standing on it. */
  bestOn?: string | null;
  sort?: ModelSort | null;
}

const SORT_KEY: Record<ModelSort, SortKey> = {
  [ModelSort.RELEVANCE]: { expr: `ts_rank(m.search, ${TS_QUERY})`, type: 'real' },
  [ModelSort.STARS]: { expr: 'm.stars', type: 'int' },
  [ModelSort.DOWNLOADS]: { expr: 'm.downloads', type: 'bigint' },
  [ModelSort.UPDATED]: { expr: 'm.updated_at', type: 'timestamptz' },
  [ModelSort.NEWEST]: { expr: 'm.created_at', type: 'timestamptz' },
  // The rank comes from the ModelRanking (`:rank`); negated, so that the best (rank 1) is highest.
  [ModelSort.BENCHMARK_RANK]: { expr: '(-(:rank))', type: 'int' },
};

/** A checked search: every BAD_USER_INPUT is thrown here, before the owner is looked up or SQL runs. */
export interface ModelSearchRequest extends KeysetRequest<ModelSort> {
  task: string | null;
  tag: string | null;
  license: string | null;
  owner: string | null;
  framework: string | null;
  bestOn: string | null;
}

export function modelSearchRequest(filter: ModelSearch, args: PageArgs): ModelSearchRequest {
  const bestOn = filterText('bestOn', filter.bestOn);
  if (filter.sort === ModelSort.BENCHMARK_RANK && !bestOn) throw badInput('sort', 'BENCHMARK_RANK needs filter.bestOn, the benchmark to rank by');
  const otherwise = bestOn ? ModelSort.BENCHMARK_RANK : ModelSort.UPDATED;
  return {
    ...keysetRequest(filter, args, SORT_KEY, { relevance: ModelSort.RELEVANCE, otherwise }),
    bestOn,
    task: filterText('task', filter.task)?.toLowerCase() ?? null,
    tag: filterText('tag', filter.tag)?.toLowerCase() ?? null,
    license: filterText('license', filter.license),
    owner: filterText('owner', filter.owner),
    framework: filterText('framework', filter.framework),
  };
}

/** What a page of the catalog may read in its own statement besides the models (see {@link searchModels}). */
export interface ModelPageExtras {
  /** The owner's handle (a user's username or an organization's handle). */
  owner?: boolean;
  /**
   * The newest published version; `{ card: false }` leaves out its model card (markdown, often the
   * largest value of the row) when the client does not select it.
   */
  latestVersion?: boolean | { card: boolean };
  /** Aliases by name with the version numbers they point at. */
  aliases?: boolean;
}

/** What a page's statement read with one model, for each extra asked for (see {@link prefetchedWith}). */
export interface ModelPrefetch {
  owner?: string | null;
  latestVersion?: ModelVersion | null;
  aliases?: { alias: string; number: number }[];
}

/**
 * The extras read with each model of a page, held by the model object itself under a symbol (so
 * they go with it, and no enumeration or JSON of the entity sees them): its field resolvers answer
 * from here at once, without a DataLoader round (and the promise per field that graphql-js then
 * waits on). A property, not a WeakMap: a WeakMap entry per model of every page is work for each
 * garbage collection (ephemerons).
 */
const PREFETCHED = Symbol('catalog page extras');

type Prefetched = Model & { [PREFETCHED]?: ModelPrefetch };

/** What the page statement read with `model`; undefined when it was not read by a page that asked. */
export function prefetchedWith(model: Model): ModelPrefetch | undefined {
  return (model as Prefetched)[PREFETCHED];
}

/**
 * The SQL of each extra, over the page's alias `m` (PostgreSQL works them out after the sort and
 * limit, for the rows of the page only). The same answers as the batch loaders
 * (OrganizationsService.ownerHandles, CatalogService.latestPublishedVersions and aliasesOfModels).
 */
const EXTRA_SQL = {
  owner: `coalesce((SELECT u.username FROM users u WHERE u.id = m.owner_id), (SELECT o.handle FROM organizations o WHERE o.id = m.owner_id))`,
  latestVersion: `SELECT to_jsonb(v) FROM model_versions v WHERE v.model_id = m.id AND v.status = 'published' ORDER BY v.number DESC LIMIT 1`,
  latestVersionWithoutCard: `SELECT to_jsonb(v) - 'card' FROM model_versions v WHERE v.model_id = m.id AND v.status = 'published' ORDER BY v.number DESC LIMIT 1`,
  aliases: `SELECT coalesce(jsonb_agg(jsonb_build_object('alias', a.alias, 'number', v.number) ORDER BY a.alias), '[]'::jsonb)
            FROM model_aliases a JOIN model_versions v ON v.id = a.version_id WHERE a.model_id = m.id`,
};

/** A page's row: the model and its extras as one JSON object (db/entity-from-json.ts), and its sort key. */
interface PageRow {
  id: string;
  model: Record<string, unknown> & { extra_owner?: string | null; extra_latestVersion?: Record<string, unknown> | null; extra_aliases?: { alias: string; number: number }[] };
  keyset_sort_key: string;
}

/**
 * Models listed to `principal` (null: anonymous, public only) that match the request; `ownerId` is
 * the owner filter's handle already resolved. One statement reads the page (with the `extras`
 * asked for), one counts (only when `totalCount` is read); sorted by relevance, the page's statement
 * counts too (db/keyset-search.ts, `ranksEveryMatch`).
 */
export async function searchModels(
  db: DataSource,
  principal: Principal | null,
  request: ModelSearchRequest,
  ownerId: string | null,
  extras: ModelPageExtras = {},
  ranking?: ModelRanking,
): Promise<Page<Model>> {
  const params: unknown[] = [];
  const bind = (value: unknown) => `$${params.push(value)}`;
  // An admin's condition is `true`: their id is bound only where the condition names it (PostgreSQL
  // refuses a parameter no statement uses the type of).
  const isAdmin = principal?.user.isAdmin === true;
  const where = [readableSql({ alias: 'm', collaborators: MODEL_COLLABORATORS }, { user: principal && !isAdmin ? bind(principal.user.id) : null, isAdmin }, 'listed')];
  // The search text is one parameter, for the filter and the relevance sort alike.
  const q = request.text ? bind(request.text) : null;
  // The parsed text as a subquery of its own (an InitPlan): worked out once per statement whatever
  // the plan, so the statement's plan does not depend on the text and may be kept (reusablePlan
  // below). Inline, a kept (generic) plan would parse the text again for every row it filters.
  const tsQuery = q ? `(SELECT ${TS_QUERY.replaceAll(':q', q)})` : null;
  if (tsQuery) where.push(`m.search @@ ${tsQuery}`);
  if (request.task) where.push(`m.task = ${bind(request.task)}`);
  if (request.tag) where.push(`${bind(request.tag)} = ANY(m.tags)`);
  if (request.license) where.push(`lower(m.license) = lower(${bind(request.license)})`);
  if (request.framework) where.push(`lower(m.framework) = lower(${bind(request.framework)})`);
  if (ownerId) where.push(`m.owner_id = ${bind(ownerId)}`);
  let rank = 'NULL';
  if (request.bestOn) {
    if (!ranking) throw badInput('bestOn', 'this hub ranks no models on benchmarks');
    const standing = await ranking.rankSql(principal, request.bestOn, bind);
    where.push(standing.where);
    rank = standing.rank;
  }
  const sortKey = SORT_KEY[request.sort];
  const key = { ...sortKey, expr: sortKey.expr.replaceAll(':rank', rank) };
  const more: Record<string, string> = {};
  if (extras.owner) more.extra_owner = EXTRA_SQL.owner;
  if (extras.latestVersion) more.extra_latestVersion = extras.latestVersion === true || extras.latestVersion.card ? EXTRA_SQL.latestVersion : EXTRA_SQL.latestVersionWithoutCard;
  if (extras.aliases) more.extra_aliases = EXTRA_SQL.aliases;
  const modelFromJson = entityFromJson(db, Model);
  const versionFromJson = extras.latestVersion ? entityFromJson(db, ModelVersion) : undefined;
  return keysetPageSql(
    db,
    {
      from: 'models m',
      alias: 'm',
      columns: `m.id, ${entityJsonSql(db, Model, 'm', more)} AS model`,
      where,
      params,
      // Relevance ranks every match before the best are kept, so the count comes with the page.
      ranksEveryMatch: request.sort === ModelSort.RELEVANCE,
      // Without filters (the catalog's front page, a plain text search) the statement binds the
      // reader's id, the text (parsed once, above) and the cursor: its plan may be kept.
      reusablePlan: where.length === (tsQuery ? 2 : 1) && !request.bestOn,
    },
    request,
    { expr: tsQuery ? key.expr.replaceAll(TS_QUERY, tsQuery) : key.expr, type: key.type },
    ({ model: json }: PageRow) => {
      const model = modelFromJson(json) as Prefetched;
      if (extras.owner || extras.latestVersion || extras.aliases) {
        const known: ModelPrefetch = {};
        if (extras.owner) known.owner = json.extra_owner ?? null;
        if (versionFromJson) known.latestVersion = json.extra_latestVersion == null ? null : versionFromJson(json.extra_latestVersion);
        if (extras.aliases) known.aliases = json.extra_aliases!;
        model[PREFETCHED] = known;
      }
      return model;
    },
  );
}
