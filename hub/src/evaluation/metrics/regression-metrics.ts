/**
 * Regression metrics, with BigQuery ML's names
 * (https://cloud.google.com/bigquery/docs/reference/standard-sql/bigqueryml-syntax-evaluate), as
 * scikit-learn defines them, e = predicted − true over the scored rows:
 *
 * - mean_absolute_error: mean |e|; mean_squared_error: mean e²; root_mean_squared_error: √MSE.
 * - median_absolute_error: the median of |e| (the mean of the two middle values for an even count).
 * - r2_score: 1 − Σe² / Σ(true − mean true)². Null when the true values are all the same (the
 *   denominator is 0, one row included): R² compares against the spread of the labels, and there
 *   is none. (scikit-learn answers 1 or 0 there by convention; a number would rank a model on a
 *   question the data cannot ask.)
 *
 * Every metric is null for no rows.
 */
import { finiteOrNull, scoredRows, type ValuePredictions } from './scored-rows.js';

export interface RegressionMetrics {
  mean_absolute_error: number | null;
  mean_squared_error: number | null;
  root_mean_squared_error: number | null;
  median_absolute_error: number | null;
  r2_score: number | null;
}

export function meanAbsoluteError(p: ValuePredictions, rows?: ArrayLike<number>): number | null {
  const at = scoredRows(p.truth.length, rows);
  if (at.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < at.length; i++) sum += Math.abs(p.predicted[at[i]] - p.truth[at[i]]);
  return finiteOrNull(sum / at.length);
}

export function meanSquaredError(p: ValuePredictions, rows?: ArrayLike<number>): number | null {
  const at = scoredRows(p.truth.length, rows);
  if (at.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < at.length; i++) sum += (p.predicted[at[i]] - p.truth[at[i]]) ** 2;
  return finiteOrNull(sum / at.length);
}

export function rootMeanSquaredError(p: ValuePredictions, rows?: ArrayLike<number>): number | null {
  const mse = meanSquaredError(p, rows);
  return mse === null ? null : Math.sqrt(mse);
}

export function medianAbsoluteError(p: ValuePredictions, rows?: ArrayLike<number>): number | null {
  const at = scoredRows(p.truth.length, rows);
  const n = at.length;
  if (n === 0) return null;
  const errors = new Float64Array(n);
  for (let i = 0; i < n; i++) errors[i] = Math.abs(p.predicted[at[i]] - p.truth[at[i]]);
  errors.sort();
  return finiteOrNull(n % 2 === 1 ? errors[(n - 1) / 2] : (errors[n / 2 - 1] + errors[n / 2]) / 2);
}

export function r2Score(p: ValuePredictions, rows?: ArrayLike<number>): number | null {
  const at = scoredRows(p.truth.length, rows);
  const n = at.length;
  if (n === 0) return null;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += p.truth[at[i]];
  mean /= n;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const t = p.truth[at[i]];
    residual += (p.predicted[at[i]] - t) ** 2;
    total += (t - mean) ** 2;
  }
  return total > 0 ? finiteOrNull(1 - residual / total) : null;
}

/** Every regression metric at once. */
export function regressionMetrics(p: ValuePredictions, rows?: ArrayLike<number>): RegressionMetrics {
  const mse = meanSquaredError(p, rows);
  return {
    mean_absolute_error: meanAbsoluteError(p, rows),
    mean_squared_error: mse,
    root_mean_squared_error: mse === null ? null : Math.sqrt(mse),
    median_absolute_error: medianAbsoluteError(p, rows),
    r2_score: r2Score(p, rows),
  };
}
