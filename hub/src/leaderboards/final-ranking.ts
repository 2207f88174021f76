/**
 * A closed benchmark's final board, as its announcement tells it (final-rankings.ts): ranked by the
 * private score by competitor and by model, each place with its public rank and the shake-up in
 * words. Pure: the announcer reads the rows.
 */
import { rankLeaderboard, type RankedSubmission } from './leaderboard-ranking.js';

export interface FinalSubmission extends RankedSubmission {
  submitterUserId: string;
  team: string | null;
  modelId: string;
  modelVersion: number;
}

export interface FinalPlace {
  /** The best submission: its model is the notification's subject. */
  best: FinalSubmission;
  rank: number;
  publicRank: number | null;
  /** Places on the final board. */
  of: number;
}

/** How a final rank moved from the public one, in words. */
export function shakeUp(rank: number, publicRank: number | null): string {
  if (publicRank === null) return 'not ranked on the public board';
  if (publicRank === rank) return `the same as its public rank`;
  return publicRank > rank ? `up ${publicRank - rank} from public rank ${publicRank}` : `down ${rank - publicRank} from public rank ${publicRank}`;
}

/**
 * The final board twice: by competitor (a submitter, or a team: `submitterId`) and by model. Each
 * place with its public rank; the users of each competitor (whoever submitted for it).
 */
export function finalRanking(all: readonly FinalSubmission[], higherIsBetter: boolean): { competitors: (FinalPlace & { users: string[] })[]; models: FinalPlace[] } {
  const competitors = rankLeaderboard(all, { higherIsBetter, final: true });
  const models = rankLeaderboard(
    all.map((s) => ({ ...s, submitterId: s.modelId })),
    { higherIsBetter, final: true },
  );
  const usersOf = new Map<string, Set<string>>();
  for (const s of all) {
    const users = usersOf.get(s.submitterId) ?? new Set<string>();
    users.add(s.submitterUserId);
    usersOf.set(s.submitterId, users);
  }
  return {
    competitors: competitors.map((e) => ({ best: e.best, rank: e.rank, publicRank: e.publicRank, of: competitors.length, users: [...usersOf.get(e.best.submitterId)!] })),
    models: models.map((e) => ({ best: e.best, rank: e.rank, publicRank: e.publicRank, of: models.length })),
  };
}

