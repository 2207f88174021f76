/**
 * What the metrics score, as flat arrays (one allocation for 100,000 predictions, and cheap to
 * resample): the true values the hub kept and the predictions an agent returned, both checked
 * before scoring (finite numbers; a probability vector per row). Every metric takes an optional
 * `rows`: the row indices to score, with repeats (a bootstrap resample, bootstrap-interval.ts);
 * without it, every row once.
 */

/** A classifier's predictions over k classes. */
export interface ClassPredictions {
  /** k: the number of classes (the model's, in output order). */
  classes: number;
  /** The true class of each row: an index 0…k−1. */
  truth: ArrayLike<number>;
  /** The predicted probabilities, n × k, row-major (row r's class c at r·k + c). */
  probabilities: ArrayLike<number>;
}

/** A regressor's predictions. */
export interface ValuePredictions {
  truth: ArrayLike<number>;
  predicted: ArrayLike<number>;
}

/** The row indices a metric scores: `rows`, or 0…n−1. */
export function scoredRows(n: number, rows?: ArrayLike<number>): ArrayLike<number> {
  if (rows) return rows;
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  return all;
}

/** A metric's answer: a finite number, or null (undefined for these rows; never NaN or ±Infinity). */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
