/**
 * What the hub accepts as an agent's output for one row of an ML.EVALUATE before scoring it: a
 * finite number for a regressor; for a classifier a probability per model class (in the model's
 * class order, so there is no class to name and none unknown), each within [0, 1], summing to 1.
 * The tolerance covers a float32 softmax's rounding, not a different model: a vector of scores,
 * logits or one-hot guesses with a stray entry is refused, so the attempt fails instead of being
 * scored. (ML.PREDICT passes a model's outputs through as they are, nulls included.)
 */

/** How far a probability may stray outside [0, 1], and their sum from 1. */
export const PROBABILITY_TOLERANCE = 1e-3;

/** Why `out` cannot be scored (a phrase about the row), or null when it can. Its width is checked before. */
export function evaluationOutputProblem(task: 'classification' | 'regression', labels: readonly string[], out: readonly (number | null)[]): string | null {
  const missing = out.findIndex((v) => v === null || !Number.isFinite(v));
  if (missing >= 0) {
    return task === 'regression' ? 'the predicted value is not a finite number' : `the probability of class "${labels[missing]}" is not a finite number`;
  }
  if (task === 'regression') return null;
  let sum = 0;
  for (let c = 0; c < out.length; c++) {
    const p = out[c]!;
    if (p < -PROBABILITY_TOLERANCE || p > 1 + PROBABILITY_TOLERANCE) return `class "${labels[c]}" has a probability of ${p}, outside [0, 1]`;
    sum += p;
  }
  if (Math.abs(sum - 1) > PROBABILITY_TOLERANCE) return `the class probabilities sum to ${Number(sum.toPrecision(6))}, not 1 (does the model end in a softmax?)`;
  return null;
}
