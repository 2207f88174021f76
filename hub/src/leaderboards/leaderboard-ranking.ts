/**
 * The leaderboard from a benchmark's submissions: one entry per submitter, their best scored
 * submission by the ranking score (the public score while the benchmark is open, the private one
 * after its deadline), ranked in the metric's direction. Ties share a rank, and the next rank
 * skips the tied places ("1224" standard competition ranking). Among equal scores the earlier best
 * submission is listed first. Pure: the service reads the rows and decides what is revealed.
 */

export interface RankedSubmission {
  id: string;
  submitterId: string;
  scored: boolean;
  publicScore: number | null;
  privateScore: number | null;
  createdAt: Date;
}

export interface RankedEntry<S extends RankedSubmission> {
  /** The submitter's best submission by the ranking score. */
  best: S;
  rank: number;
  /** After the deadline: the submitter's rank on the public board (best public score), beside the final one. */
  publicRank: number | null;
  /** All the submitter's submissions to the benchmark, whatever their status. */
  submissions: number;
  lastSubmittedAt: Date;
}

/** Ranks of `scores` (already in board order): equal scores share the first rank of their run. */
function competitionRanks(scores: readonly number[]): number[] {
  const ranks: number[] = [];
  for (let i = 0; i < scores.length; i++) ranks.push(i > 0 && scores[i] === scores[i - 1] ? ranks[i - 1] : i + 1);
  return ranks;
}

/** Each submitter's best scored submission by `score`, in board order (best first; earlier first among equals). */
function bestBy<S extends RankedSubmission>(all: readonly S[], score: (s: S) => number | null, higherIsBetter: boolean): S[] {
  const better = (a: S, b: S) => {
    const x = score(a)!;
    const y = score(b)!;
    if (x !== y) return higherIsBetter ? y - x : x - y;
    return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1);
  };
  const best = new Map<string, S>();
  for (const s of all) {
    if (!s.scored || score(s) === null) continue;
    const held = best.get(s.submitterId);
    if (!held || better(s, held) < 0) best.set(s.submitterId, s);
  }
  return [...best.values()].sort(better);
}

export function rankLeaderboard<S extends RankedSubmission>(all: readonly S[], options: { higherIsBetter: boolean; final: boolean }): RankedEntry<S>[] {
  const counts = new Map<string, { n: number; last: Date }>();
  for (const s of all) {
    const c = counts.get(s.submitterId);
    if (!c) counts.set(s.submitterId, { n: 1, last: s.createdAt });
    else {
      c.n++;
      if (s.createdAt > c.last) c.last = s.createdAt;
    }
  }
  const publicBoard = bestBy(all, (s) => s.publicScore, options.higherIsBetter);
  const publicRanks = competitionRanks(publicBoard.map((s) => s.publicScore!));
  const board = options.final ? bestBy(all, (s) => s.privateScore, options.higherIsBetter) : publicBoard;
  const ranks = options.final ? competitionRanks(board.map((s) => s.privateScore!)) : publicRanks;
  const publicRankOf = new Map(publicBoard.map((s, i) => [s.submitterId, publicRanks[i]]));
  return board.map((best, i) => ({
    best,
    rank: ranks[i],
    publicRank: options.final ? (publicRankOf.get(best.submitterId) ?? null) : null,
    submissions: counts.get(best.submitterId)!.n,
    lastSubmittedAt: counts.get(best.submitterId)!.last,
  }));
}
