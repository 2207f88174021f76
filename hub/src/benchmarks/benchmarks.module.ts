/** The benchmarks module: benchmarks with a dev split (a dataset) and a hidden test split only the hub reads. */
import type { AccountsServices } from '../accounts/index.js';
import type { DatasetsServices } from '../datasets/index.js';
import type { HubFloor, HubModule } from '../module.js';
import { BenchmarkResolver } from './benchmark.resolver.js';
import { BenchmarksService } from './benchmarks.service.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const benchmarksResolvers = [BenchmarkResolver] as const;

export interface BenchmarksServices {
  /** Benchmarks: create, read, search, update, delete; and the hidden split for the hub's own evaluation. */
  benchmarks: BenchmarksService;
}

export function benchmarksModule(
  { db }: HubFloor,
  { access, organizations }: Pick<AccountsServices, 'access' | 'organizations'>,
  { datasets }: Pick<DatasetsServices, 'datasets'>,
): HubModule<BenchmarksServices> {
  return {
    name: 'benchmarks',
    services: { benchmarks: new BenchmarksService(db, access, organizations, datasets) },
    resolvers: benchmarksResolvers,
  };
}
