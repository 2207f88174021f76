/** The leaderboards module: submissions of model versions to benchmarks, their evaluation runs, leaderboards. */
import type { AccountsServices } from '../accounts/index.js';
import type { BenchmarksServices } from '../benchmarks/index.js';
import type { CatalogServices } from '../catalog/index.js';
import type { MlServices } from '../ml/index.js';
import type { NotificationsServices } from '../notifications/index.js';
import type { HubFloor, HubModule } from '../module.js';
import { LeaderboardResolver } from './leaderboard.resolver.js';
import { StandingsResolver } from './standings.resolver.js';
import { StandingsService } from './standings.service.js';
import { SubmissionsService } from './submissions.service.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const leaderboardsResolvers = [LeaderboardResolver, StandingsResolver] as const;

export interface LeaderboardsServices {
  /** submitToBenchmark, Benchmark.leaderboard and mySubmissions; scores benchmark runs. */
  submissions: SubmissionsService;
  /** Model standings on benchmarks (Model.standings, the catalog's bestOn), standing benchmark entries. */
  standings: StandingsService;
}

export function leaderboardsModule(
  { db, events, log }: HubFloor,
  { benchmarks }: Pick<BenchmarksServices, 'benchmarks'>,
  { catalog, versionListeners }: Pick<CatalogServices, 'catalog' | 'versionListeners'>,
  { ml }: Pick<MlServices, 'ml'>,
  { accounts }: Pick<AccountsServices, 'accounts'>,
  { notificationFanOut }: Pick<NotificationsServices, 'notificationFanOut'>,
): HubModule<LeaderboardsServices> {
  const leaderboardsLog = log.child({ component: 'leaderboards' });
  const submissions = new SubmissionsService(db, benchmarks, catalog, ml, events, leaderboardsLog);
  const standings = new StandingsService(db, benchmarks, catalog, submissions, accounts, notificationFanOut, leaderboardsLog);
  // The board of models follows each scoring; a new version of an entered model is submitted; the catalog ranks by the standings.
  submissions.onScored((benchmark) => standings.refresh(benchmark));
  versionListeners.listen((change) => standings.versionChanged(change));
  catalog.useModelRanking(standings);
  // The `predict` kind is ml's; a benchmark run's scoring and end are ours.
  ml.useBenchmarkRuns({
    score: (jobId, attempt) => submissions.scoreRun(jobId, attempt),
    failed: (jobId, reason) => submissions.runFailed(jobId, reason),
    submitBySql: (principal, model, benchmark, waitMs) => submissions.submitBySql(principal, model, benchmark, waitMs),
  });
  return { name: 'leaderboards', services: { submissions, standings }, resolvers: leaderboardsResolvers };
}
