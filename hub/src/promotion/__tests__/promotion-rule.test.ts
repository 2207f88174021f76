import { describe, expect, it } from 'vitest';
import { decide, defaultRule, type Scores } from '../promotion-rule.js';

const classification = (f1: [number, number], accuracy: [number, number] = [0.9, 0.9]): Scores => ({
  f1_score: { champion: f1[0], challenger: f1[1] },
  accuracy: { champion: accuracy[0], challenger: accuracy[1] },
  precision: { champion: 0.8, challenger: 0.8 },
  recall: { champion: null, challenger: 0.8 },
  roc_auc: { champion: 0.9, challenger: 0.9 },
  log_loss: { champion: 0.3, challenger: 0.9 },
});

describe('Promotion rule: decide', () => {
  it('defaults: macro F1 for classifiers, RMSE (lower is better) for regressors', () => {
    expect(defaultRule('classification')).toEqual({ metric: 'f1_score', minImprovement: 0, tolerance: 0.02 });
    expect(defaultRule('regression').metric).toBe('root_mean_squared_error');
  });

  it('a worse challenger is kept, and the reason gives both scores, the gap and what it needs', () => {
    const v = decide({ metric: 'f1_score', minImprovement: 0.01, tolerance: 0.02 }, 'classification', classification([0.86, 0.81]), true);
    expect(v).toEqual({ wins: false, reason: 'macro F1 0.81 vs 0.86: below the champion by 0.05, needs +0.01' });
  });

  it('an improvement smaller than the minimum is not enough', () => {
    const v = decide({ metric: 'f1_score', minImprovement: 0.05, tolerance: 0.02 }, 'classification', classification([0.8, 0.82]), true);
    expect(v.wins).toBe(false);
    expect(v.reason).toBe('macro F1 0.82 vs 0.8: above the champion by 0.02, needs +0.05');
  });

  it('an equal challenger does not replace the champion', () => {
    expect(decide(defaultRule('classification'), 'classification', classification([0.8, 0.8]), true).reason).toContain('equal to the champion');
  });

  it('a better challenger wins unless a secondary metric fell by more than the tolerance (unguarded log loss does not count)', () => {
    expect(decide(defaultRule('classification'), 'classification', classification([0.8, 0.85]), true).wins).toBe(true);
    const fell = decide(defaultRule('classification'), 'classification', classification([0.8, 0.85], [0.9, 0.85]), true);
    expect(fell.wins).toBe(false);
    expect(fell.reason).toBe('macro F1 0.85 vs 0.8: above the champion by 0.05, but accuracy 0.85 vs 0.9 fell by 0.05: more than the tolerance 0.02');
  });

  it('lower-is-better metrics: a smaller RMSE wins, a larger one says "above"', () => {
    const scores = (a: number, b: number): Scores => ({ root_mean_squared_error: { champion: a, challenger: b }, r2_score: { champion: 0.5, challenger: 0.5 } });
    expect(decide(defaultRule('regression'), 'regression', scores(3, 2.5), true).wins).toBe(true);
    expect(decide(defaultRule('regression'), 'regression', scores(3, 3.5), true).reason).toBe('RMSE 3.5 vs 3: above the champion by 0.5, needs −0');
  });

  it('without a champion the challenger wins; an undefined score decides nothing', () => {
    expect(decide(defaultRule('classification'), 'classification', classification([0.8, 0.8]), false).wins).toBe(true);
    const undefinedScore: Scores = { f1_score: { champion: 0.8, challenger: null } };
    expect(decide(defaultRule('classification'), 'classification', undefinedScore, true)).toEqual({ wins: false, reason: "the challenger's macro F1 is undefined on this data: nothing to compare" });
  });
});
