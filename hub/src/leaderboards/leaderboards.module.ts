/** The leaderboards module: submissions of model versions to benchmarks, their evaluation runs, leaderboards. */
import type { BenchmarksServices } from '../benchmarks/index.js';
import type { CatalogServices } from '../catalog/index.js';
import type { MlServices } from '../ml/index.js';
import type { HubFloor, HubModule } from '../module.js';
import { LeaderboardResolver } from './leaderboard.resolver.js';
import { SubmissionsService } from './submissions.service.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const leaderboardsResolvers = [LeaderboardResolver] as const;

export interface LeaderboardsServices {
  /** submitToBenchmark, Benchmark.leaderboard and mySubmissions; scores benchmark runs. */
  submissions: SubmissionsService;
}

export function leaderboardsModule(
  { db, events, log }: HubFloor,
  { benchmarks }: Pick<BenchmarksServices, 'benchmarks'>,
  { catalog }: Pick<CatalogServices, 'catalog'>,
  { ml }: Pick<MlServices, 'ml'>,
): HubModule<LeaderboardsServices> {
  const submissions = new SubmissionsService(db, benchmarks, catalog, ml, events, log.child({ component: 'leaderboards' }));
  // The `predict` kind is ml's; a benchmark run's scoring and end are ours.
  ml.useBenchmarkRuns({
    score: (jobId, attempt) => submissions.scoreRun(jobId, attempt),
    failed: (jobId, reason) => submissions.runFailed(jobId, reason),
    submitBySql: (principal, model, benchmark, waitMs) => submissions.submitBySql(principal, model, benchmark, waitMs),
  });
  return { name: 'leaderboards', services: { submissions }, resolvers: leaderboardsResolvers };
}
