/** Leaderboards (submissions to benchmarks, their hub-scored evaluation runs, the boards): what other domains may use. */
export { SubmissionsService } from './submissions.service.js';
export { StandingsService } from './standings.service.js';
export { FinalRankings } from './final-rankings.js';
export { ModelStanding } from './standing.types.js';
export { BenchmarkSubmission, Leaderboard, LeaderboardEntry, SubmissionStatus } from './submission.types.js';
export { leaderboardsModule, leaderboardsResolvers, type LeaderboardsServices } from './leaderboards.module.js';

import type { LeaderboardsServices } from './leaderboards.module.js';
declare module '../module.js' {
  // Declaration merging: the services bag names this module's services (module.ts).
  interface Services extends LeaderboardsServices {}
}
