/**
 * The standard evaluation metrics, with BigQuery ML's names
 * (https://cloud.google.com/bigquery/docs/reference/standard-sql/bigqueryml-syntax-evaluate):
 * classifiers accuracy, precision, recall, f1_score (macro averages over the classes), log_loss
 * and roc_auc (of the second class for two classes, else the macro one-vs-rest average);
 * regressors mean_absolute_error, mean_squared_error, root_mean_squared_error,
 * median_absolute_error and r2_score.
 */
import { rocAuc as areaUnderRoc } from '../../../../schema/roc-auc.js';

/** `probabilities` is n × k, row-major. */
export function classificationMetrics(probabilities: Float32Array, truth: number[], k: number): Record<string, number> {
  const n = truth.length;
  const predicted = new Array<number>(n);
  let correct = 0;
  let logLoss = 0;
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probabilities[r * k + c] > probabilities[r * k + best]) best = c;
    predicted[r] = best;
    if (best === truth[r]) correct++;
    logLoss -= Math.log(Math.min(1, Math.max(1e-15, probabilities[r * k + truth[r]])));
  }
  let precision = 0;
  let recall = 0;
  let f1 = 0;
  for (let c = 0; c < k; c++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let r = 0; r < n; r++) {
      if (predicted[r] === c && truth[r] === c) tp++;
      else if (predicted[r] === c) fp++;
      else if (truth[r] === c) fn++;
    }
    const p = tp + fp > 0 ? tp / (tp + fp) : 0;
    const rc = tp + fn > 0 ? tp / (tp + fn) : 0;
    precision += p;
    recall += rc;
    f1 += p + rc > 0 ? (2 * p * rc) / (p + rc) : 0;
  }
  const aucs: number[] = [];
  for (const c of k === 2 ? [1] : Array.from({ length: k }, (_, i) => i)) {
    const auc = rocAuc(probabilities, k, c, truth);
    if (auc !== null) aucs.push(auc);
  }
  const metrics: Record<string, number> = {
    accuracy: n > 0 ? correct / n : 0,
    precision: precision / k,
    recall: recall / k,
    f1_score: f1 / k,
    log_loss: n > 0 ? logLoss / n : 0,
  };
  if (aucs.length > 0) metrics.roc_auc = aucs.reduce((a, b) => a + b, 0) / aucs.length;
  return metrics;
}

/**
 * The area under the ROC curve of column `c` of `probabilities` (n × k) for class `c` against the
 * rest, counted by schema/roc-auc.ts, as the hub's evaluations count it (typed-array sorts and one
 * sweep: an object per row took 0.3 s for three classes of 100,000 rows). Null when there are no
 * positives or no negatives.
 */
function rocAuc(probabilities: Float32Array, k: number, c: number, truth: number[]): number | null {
  const n = truth.length;
  const scores = new Float32Array(n);
  const positive = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    scores[r] = probabilities[r * k + c];
    positive[r] = truth[r] === c ? 1 : 0;
  }
  return areaUnderRoc(scores, positive);
}

export function regressionMetrics(predicted: Float32Array, truth: number[]): Record<string, number> {
  const n = truth.length;
  if (n === 0) return {};
  let abs = 0;
  let sq = 0;
  let mean = 0;
  const errors = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const e = predicted[r] - truth[r];
    abs += Math.abs(e);
    sq += e * e;
    mean += truth[r];
    errors[r] = Math.abs(e);
  }
  mean /= n;
  let total = 0;
  for (const t of truth) total += (t - mean) ** 2;
  errors.sort();
  const median = n % 2 === 1 ? errors[(n - 1) / 2] : (errors[n / 2 - 1] + errors[n / 2]) / 2;
  return {
    mean_absolute_error: abs / n,
    mean_squared_error: sq / n,
    root_mean_squared_error: Math.sqrt(sq / n),
    median_absolute_error: median,
    r2_score: total > 0 ? 1 - sq / total : 0,
  };
}
