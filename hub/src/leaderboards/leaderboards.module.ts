/** The leaderboards module: submissions of model versions to benchmarks, their verified evaluation runs, leaderboards, standings. */
import type { AccountsServices } from '../accounts/index.js';
import type { ArtifactsServices } from '../artifacts/index.js';
import type { BenchmarksServices } from '../benchmarks/index.js';
import type { CatalogServices } from '../catalog/index.js';
import type { ComputeServices } from '../compute/index.js';
import type { MlServices } from '../ml/index.js';
import type { HubFloor, HubModule } from '../module.js';
import { NotificationKind, SubjectKind, type NotificationsServices } from '../notifications/index.js';
import { FinalRankings } from './final-rankings.js';
import { LeaderboardResolver } from './leaderboard.resolver.js';
import { StandingsResolver } from './standings.resolver.js';
import { StandingsService } from './standings.service.js';
import { SubmissionsService } from './submissions.service.js';
import { EvaluationVerifier } from './verification/evaluation-verifier.js';
import { NodeReputationResolver } from './verification/node-reputation.resolver.js';
import { SubmissionVerificationResolver } from './verification/submission-verification.resolver.js';
import { SpotChecker } from './verification/spot-checker.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const leaderboardsResolvers = [LeaderboardResolver, StandingsResolver, NodeReputationResolver, SubmissionVerificationResolver] as const;

export interface LeaderboardsServices {
  /** submitToBenchmark, Benchmark.leaderboard and mySubmissions; scores benchmark runs. */
  submissions: SubmissionsService;
  /** Model standings on benchmarks (Model.standings, the catalog's bestOn), standing benchmark entries. */
  standings: StandingsService;
  /** Verifies benchmark runs (quorum, spot checks, node reputation) before they are scored. */
  evaluationVerifier: EvaluationVerifier;
  /** Announces each closed benchmark's final ranking once, to its submitters and the followers of its models. */
  finalRankings: FinalRankings;
}

export function leaderboardsModule(
  { db, config, events, metrics, log }: HubFloor,
  { benchmarks }: Pick<BenchmarksServices, 'benchmarks'>,
  { catalog, versionListeners }: Pick<CatalogServices, 'catalog' | 'versionListeners'>,
  { ml }: Pick<MlServices, 'ml'>,
  { accounts }: Pick<AccountsServices, 'accounts'>,
  { notificationFanOut }: Pick<NotificationsServices, 'notificationFanOut'>,
  { nodes, jobs }: Pick<ComputeServices, 'nodes' | 'jobs'>,
  { artifacts }: Pick<ArtifactsServices, 'artifacts'>,
): HubModule<LeaderboardsServices> {
  const leaderboardsLog = log.child({ component: 'leaderboards' });
  const submissions = new SubmissionsService(db, benchmarks, catalog, ml, events, leaderboardsLog);
  const standings = new StandingsService(db, benchmarks, catalog, submissions, accounts, notificationFanOut, leaderboardsLog);
  // The board of models follows each scoring; a new version of an entered model is submitted; the catalog ranks by the standings.
  submissions.onScored((benchmark) => standings.refresh(benchmark));
  versionListeners.listen((change) => standings.versionChanged(change));
  catalog.useModelRanking(standings);
  // A closed benchmark's final ranking is told once; its standings turn final with it.
  const finalRankings = new FinalRankings(db, benchmarks, notificationFanOut, config.evaluation.closeCheckMs, leaderboardsLog, {
    checks: metrics.benchmarkCloseChecks,
    announced: metrics.finalRankingsAnnounced,
  });
  finalRankings.onAnnounced((benchmark) => standings.refresh(benchmark));
  const spots = new SpotChecker(db, benchmarks, artifacts, config.evaluation.spotRows);
  const evaluationVerifier = new EvaluationVerifier(db, config.evaluation, spots, {
    prepareScore: (jobId, attempt) => submissions.prepareScore(jobId, attempt),
    recordScore: (tx, score) => submissions.recordScore(tx, score),
    scored: (score) => submissions.announceScored(score),
    fail: (submissionId, reason, tx) => submissions.failSubmission(submissionId, reason, tx),
    withdrawn: (benchmarkId, submissionId) => submissions.withdrawn(benchmarkId, submissionId),
    replicate: (source, jobId, quorum) => ml.replicateBenchmarkRun(source, jobId, quorum),
    outputs: async (jobId, attempt) => {
      const out = new Map<number, number[]>();
      for (let after = 0; ; ) {
        const page = await ml.benchmarkOutputs(jobId, attempt, after, 10_000);
        for (const o of page) out.set(o.key, o.output);
        if (page.length < 10_000) return out;
        after += page.length;
      }
    },
    outputsAt: (jobId, attempt, keys) => ml.benchmarkOutputsAt(jobId, attempt, keys),
    onlineEligible: async (residency) => (await jobs.placement(residency)).online,
    quarantine: async (nodeId, reason) => {
      await nodes.quarantine(nodeId, reason.slice(0, 500));
    },
    notify: (userIds, modelId, version, message) =>
      notificationFanOut.direct(db, { kind: NotificationKind.NODE_QUARANTINED, subject: { kind: SubjectKind.MODEL, id: modelId }, version, detail: message, userIds }),
  }, log.child({ component: 'evaluation-verifier' }));
  // The `predict` kind is ml's; a benchmark run's verification, scoring and end are ours.
  ml.useBenchmarkRuns({
    score: (jobId, attempt) => evaluationVerifier.returned(jobId, attempt),
    failed: async (jobId, reason) => {
      if (!(await evaluationVerifier.failed(jobId, reason))) await submissions.runFailed(jobId, reason);
    },
    submitBySql: (principal, model, benchmark, waitMs) => submissions.submitBySql(principal, model, benchmark, waitMs),
  });
  return {
    name: 'leaderboards',
    services: { submissions, standings, evaluationVerifier, finalRankings },
    resolvers: leaderboardsResolvers,
    start() {
      finalRankings.start();
    },
    async stop() {
      await finalRankings.stop();
      await evaluationVerifier.close();
    },
  };
}
