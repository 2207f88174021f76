import { describe, expect, it } from 'vitest';
import { rankLeaderboard, type RankedSubmission } from '../leaderboard-ranking.js';

let n = 0;
const sub = (submitterId: string, publicScore: number | null, privateScore: number | null, scored = true): RankedSubmission => ({
  id: `s${++n}`,
  submitterId,
  scored,
  publicScore,
  privateScore,
  createdAt: new Date(Date.UTC(2027, 0, 1, 0, n)),
});

describe('rankLeaderboard', () => {
  const subs = [sub('ann', 0.9, 0.5), sub('ann', 0.8, 0.9), sub('ben', 0.9, 0.7), sub('cat', 0.7, 0.9), sub('dan', 0.95, 0.1, false), sub('eve', null, null, false)];

  it('ranks each submitter’s best public score while open, ties sharing a rank and the next rank skipping', () => {
    const board = rankLeaderboard(subs, { higherIsBetter: true, final: false });
    expect(board.map((e) => [e.best.submitterId, e.best.publicScore, e.rank, e.publicRank, e.submissions])).toEqual([
      ['ann', 0.9, 1, null, 2],
      ['ben', 0.9, 1, null, 1],
      ['cat', 0.7, 3, null, 1],
    ]);
  });

  it('ranks by the best private score after the deadline, with the public rank beside it', () => {
    const board = rankLeaderboard(subs, { higherIsBetter: true, final: true });
    expect(board.map((e) => [e.best.submitterId, e.best.privateScore, e.rank, e.publicRank])).toEqual([
      ['ann', 0.9, 1, 1],
      ['cat', 0.9, 1, 3],
      ['ben', 0.7, 3, 1],
    ]);
  });

  it('puts the lowest first when lower is better', () => {
    const board = rankLeaderboard([sub('x', 3, 3), sub('y', 1, 1), sub('x', 2, 2)], { higherIsBetter: false, final: false });
    expect(board.map((e) => [e.best.submitterId, e.best.publicScore, e.rank])).toEqual([['y', 1, 1], ['x', 2, 2]]);
  });
});
