/**
 * The catalog's search, filters and sort as they sit in the URL (`/models?q=…&task=…&sort=STARS`),
 * so a search can be linked, reloaded and reached from a tag on a model's page.
 */
import { MODEL_SORTS, type ModelSort } from './types';

export const FILTER_NAMES = ['task', 'tag', 'license', 'owner', 'framework', 'bestOn'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

export interface CatalogParams {
  /** The search text (`q`) */
  q: string;
  filters: Record<FilterName, string>;
  /** null: the hub's default (best match with a search text, else best on the `bestOn` benchmark, else recently updated) */
  sort: ModelSort | null;
}

export function readCatalogParams(params: URLSearchParams): CatalogParams {
  const sort = params.get('sort');
  return {
    q: params.get('q') ?? '',
    filters: Object.fromEntries(FILTER_NAMES.map((name) => [name, params.get(name) ?? ''])) as Record<FilterName, string>,
    sort: (MODEL_SORTS as readonly string[]).includes(sort ?? '') ? (sort as ModelSort) : null,
  };
}

/** The URL's query for `catalog`; empty values are left out. */
export function writeCatalogParams(catalog: CatalogParams): URLSearchParams {
  const params = new URLSearchParams();
  if (catalog.q.trim()) params.set('q', catalog.q.trim());
  for (const name of FILTER_NAMES) if (catalog.filters[name].trim()) params.set(name, catalog.filters[name].trim());
  if (catalog.sort) params.set('sort', catalog.sort);
  return params;
}

/** The `models` query's variables for `catalog`. RELEVANCE without a search text, or BENCHMARK_RANK without a benchmark, falls back to the default sort. */
export function catalogVariables(catalog: CatalogParams): Record<string, unknown> {
  const search = catalog.q.trim();
  const filter = Object.fromEntries(FILTER_NAMES.filter((name) => catalog.filters[name].trim()).map((name) => [name, catalog.filters[name].trim()]));
  const sort = (catalog.sort === 'RELEVANCE' && !search) || (catalog.sort === 'BENCHMARK_RANK' && !catalog.filters.bestOn.trim()) ? null : catalog.sort;
  return { search: search || null, filter: Object.keys(filter).length > 0 ? filter : null, sort };
}

/** The catalog filtered by one value, e.g. every model tagged `vision`. */
export function catalogLink(filter: FilterName, value: string): string {
  return `/models?${new URLSearchParams({ [filter]: value })}`;
}
