import { describe, expect, it } from 'vitest';
import { evaluationOutputProblem, PROBABILITY_TOLERANCE } from '../evaluation-outputs.js';

const CLASSES = ['a', 'b', 'c'];

describe('ML.EVALUATE: what the hub accepts as an output', () => {
  it('accepts a float32 softmax’s rounding and a finite value', () => {
    expect(evaluationOutputProblem('classification', CLASSES, [0.2, 0.3, 0.5])).toBeNull();
    expect(evaluationOutputProblem('classification', CLASSES, [Math.fround(0.1), Math.fround(0.2), Math.fround(0.7) + 1e-6])).toBeNull();
    expect(evaluationOutputProblem('classification', CLASSES, [1 + PROBABILITY_TOLERANCE / 2, 0, 0])).toBeNull();
    expect(evaluationOutputProblem('regression', [], [-1e9])).toBeNull();
  });

  it('refuses a missing number, a probability outside [0, 1] and a vector not summing to 1, naming the class', () => {
    expect(evaluationOutputProblem('regression', [], [null])).toBe('the predicted value is not a finite number');
    expect(evaluationOutputProblem('regression', [], [Number.NaN])).toBe('the predicted value is not a finite number');
    expect(evaluationOutputProblem('classification', CLASSES, [0.5, null, 0.5])).toBe('the probability of class "b" is not a finite number');
    expect(evaluationOutputProblem('classification', CLASSES, [0.5, Infinity, 0.5])).toBe('the probability of class "b" is not a finite number');
    expect(evaluationOutputProblem('classification', CLASSES, [0, 1.2, -0.2])).toBe('class "b" has a probability of 1.2, outside [0, 1]');
    expect(evaluationOutputProblem('classification', CLASSES, [1, 1, 0])).toMatch(/^the class probabilities sum to 2, not 1/);
    expect(evaluationOutputProblem('classification', CLASSES, [0.3, 0.3, 0.3])).toMatch(/sum to 0\.9/);
    // One-hot guesses are probabilities; logits are not.
    expect(evaluationOutputProblem('classification', CLASSES, [0, 0, 1])).toBeNull();
    expect(evaluationOutputProblem('classification', CLASSES, [2.1, -0.3, 0.4])).toMatch(/outside \[0, 1\]/);
  });
});
