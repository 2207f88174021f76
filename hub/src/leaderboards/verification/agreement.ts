/**
 * When two runs of one evaluation agree (docs/evaluation.md, "Verified evaluation"): a classifier's
 * outputs agree on a row when they predict the same class (the most probable, the first on a tie);
 * a regressor's when the two values differ by at most `tolerance` times the larger magnitude (at
 * least 1). A row where either classifier output has its two most probable classes within
 * `tolerance` of each other is a near tie: different hardware may round it either way, so it does
 * not count against agreement. Probabilities themselves are not compared: the hub scores the
 * accepted run's probabilities, and a run that agrees on every class but not on its probabilities
 * is agreed with.
 */

export type Task = 'classification' | 'regression';

/** The predicted class of a probability vector and its margin over the runner-up. */
function top(output: readonly number[]): { cls: number; margin: number } {
  let best = 0;
  let second = -Infinity;
  for (let c = 1; c < output.length; c++) {
    if (output[c] > output[best]) {
      second = output[best];
      best = c;
    } else if (output[c] > second) second = output[c];
  }
  return { cls: best, margin: output.length > 1 ? output[best] - second : Infinity };
}

/** Do two outputs of one row agree? */
export function rowsAgree(task: Task, a: readonly number[], b: readonly number[], tolerance: number): boolean {
  if (task === 'regression') {
    const x = a[0];
    const y = b[0];
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
    return Math.abs(x - y) <= tolerance * Math.max(1, Math.abs(x), Math.abs(y));
  }
  if (a.length !== b.length) return false;
  const ta = top(a);
  const tb = top(b);
  if (ta.cls === tb.cls) return true;
  return ta.margin <= tolerance || tb.margin <= tolerance;
}

/**
 * Rows (by key) on which two runs disagree, over the keys both have; a key one run lacks counts as
 * a disagreement. `limit` stops counting early.
 */
export function disagreements(task: Task, a: ReadonlyMap<number, readonly number[]>, b: ReadonlyMap<number, readonly number[]>, tolerance: number, limit = Infinity): number {
  let n = 0;
  for (const [key, x] of a) {
    const y = b.get(key);
    if (!y || !rowsAgree(task, x, y, tolerance)) n++;
    if (n >= limit) return n;
  }
  for (const key of b.keys()) {
    if (!a.has(key)) n++;
    if (n >= limit) return n;
  }
  return n;
}
