import { describe, expect, it } from 'vitest';
import { fSurvival, incompleteBeta } from '../f-distribution.js';

describe('F distribution tail', () => {
  it('matches the closed form for two numerator degrees of freedom', () => {
    // For d1 = 2, P(F ≥ f) = (1 + 2f/d2)^(-d2/2).
    for (const [f, d2] of [[0.5, 4], [3, 10], [9.2647, 15], [40, 100]]) {
      expect(fSurvival(f, 2, d2)).toBeCloseTo((1 + (2 * f) / d2) ** (-d2 / 2), 10);
    }
  });

  it('gives 5 % and 1 % at the tabulated critical values', () => {
    expect(fSurvival(3.682, 2, 15)).toBeCloseTo(0.05, 4);
    expect(fSurvival(4.965, 1, 10)).toBeCloseTo(0.05, 4);
    expect(fSurvival(4.938, 3, 20)).toBeCloseTo(0.01, 4);
    expect(fSurvival(2.534, 5, 30)).toBeCloseTo(0.05, 3);
  });

  it('is 1 at f = 0 and falls as f grows', () => {
    expect(fSurvival(0, 3, 7)).toBe(1);
    expect(fSurvival(1, 3, 7)).toBeGreaterThan(fSurvival(2, 3, 7));
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 12);
  });
});
