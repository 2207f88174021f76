import { describe, expect, it } from 'vitest';
import { finalRanking, shakeUp, type FinalSubmission } from '../final-ranking.js';

let n = 0;
const sub = (competitor: string, user: string, model: string, publicScore: number | null, privateScore: number | null, scored = true): FinalSubmission => ({
  id: `s${++n}`,
  submitterId: competitor,
  submitterUserId: user,
  team: competitor.startsWith('team:') ? competitor.slice(5) : null,
  modelId: model,
  modelVersion: 1,
  scored,
  publicScore,
  privateScore,
  createdAt: new Date(Date.UTC(2027, 0, 1, 0, n)),
});

describe('finalRanking', () => {
  // Ann leads the public board and falls; the team (two submitters) rises; a failed submission ranks no one.
  const all = [
    sub('ann', 'ann', 'm1', 0.9, 0.5),
    sub('team:acme', 'ben', 'm2', 0.7, 0.8),
    sub('team:acme', 'cat', 'm3', 0.6, 0.95),
    sub('dan', 'dan', 'm1', 0.8, 0.7),
    sub('eve', 'eve', 'm4', null, null, false),
  ];

  it('ranks competitors by their best private score, each with their public rank and every user who submitted for them', () => {
    const { competitors } = finalRanking(all, true);
    expect(competitors.map((c) => [c.best.submitterId, c.best.modelId, c.rank, c.publicRank, c.of, c.users.sort()])).toEqual([
      ['team:acme', 'm3', 1, 3, 3, ['ben', 'cat']],
      ['dan', 'm1', 2, 2, 3, ['dan']],
      ['ann', 'm1', 3, 1, 3, ['ann']],
    ]);
  });

  it('ranks models by their best submission, whoever submitted it (m1: ann’s public 0.9, dan’s private 0.7)', () => {
    const { models } = finalRanking(all, true);
    expect(models.map((m) => [m.best.modelId, m.rank, m.publicRank, m.of])).toEqual([
      ['m3', 1, 3, 3],
      ['m2', 2, 2, 3],
      ['m1', 3, 1, 3],
    ]);
  });

  it('ranks in the metric’s direction (lower is better for a loss)', () => {
    const { competitors } = finalRanking([sub('a', 'a', 'x', 0.2, 0.4), sub('b', 'b', 'y', 0.3, 0.1)], false);
    expect(competitors.map((c) => [c.best.submitterId, c.rank, c.publicRank])).toEqual([
      ['b', 1, 2],
      ['a', 2, 1],
    ]);
  });
});

describe('shakeUp', () => {
  it('says how far the final rank moved from the public one', () => {
    expect(shakeUp(1, 3)).toBe('up 2 from public rank 3');
    expect(shakeUp(3, 1)).toBe('down 2 from public rank 1');
    expect(shakeUp(2, 2)).toBe('the same as its public rank');
    expect(shakeUp(2, null)).toBe('not ranked on the public board');
  });
});
