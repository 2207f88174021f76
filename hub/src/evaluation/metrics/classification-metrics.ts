/**
 * Classification metrics, with BigQuery ML's names
 * (https://cloud.google.com/bigquery/docs/reference/standard-sql/bigqueryml-syntax-evaluate), as
 * scikit-learn defines them (https://scikit-learn.org/stable/modules/model_evaluation.html):
 *
 * - The predicted class of a row is its most probable class (the first on a tie), as ML.PREDICT's
 *   predicted_<label> (ml/predicted-values.ts).
 * - accuracy: the share of rows whose predicted class is the true one.
 * - precision, recall, f1_score: macro averages over the classes that occur among the scored rows'
 *   true or predicted classes (scikit-learn's default label set; a model class that occurs in
 *   neither is left out, it has nothing to be right or wrong about). A class never predicted has
 *   precision 0; a class never true has recall 0; F1 is 0 when precision + recall is 0
 *   (scikit-learn's zero_division = 0).
 * - log_loss: the mean of −ln p, p the probability given to the true class, clipped to
 *   [1e−15, 1 − 1e−15] so a confident mistake costs about 34.5 rather than Infinity (probabilities
 *   are not renormalised: the hub checked each vector sums to 1).
 * - roc_auc: for two classes, the area under the ROC curve of the second class's probability; for
 *   more, the macro average of each class's one-vs-rest area over the classes that have both true
 *   and other rows. The area is the Mann–Whitney statistic with tied scores given their average
 *   rank (roc-auc.ts). Null when it is defined for no class (every true class the same).
 *
 * Every metric is null for no rows.
 */
import { rocAuc } from '../../../../schema/roc-auc.js';
import { finiteOrNull, scoredRows, type ClassPredictions } from './scored-rows.js';

/** Log loss's clipping of the true class's probability. */
export const LOG_LOSS_EPSILON = 1e-15;

export interface ClassificationMetrics {
  precision: number | null;
  recall: number | null;
  accuracy: number | null;
  f1_score: number | null;
  log_loss: number | null;
  roc_auc: number | null;
}

/** The most probable class of row r (the first on a tie). */
export function predictedClass(p: ClassPredictions, r: number): number {
  const k = p.classes;
  let best = 0;
  for (let c = 1; c < k; c++) if (p.probabilities[r * k + c] > p.probabilities[r * k + best]) best = c;
  return best;
}

/**
 * Every row's predicted class, worked out once per predictions object: a bootstrap scores the
 * same rows hundreds of times. The inputs are not changed after scoring starts (they are the
 * checked outputs the hub holds).
 */
const predictedCache = new WeakMap<ClassPredictions, Int32Array>();
function predictedClasses(p: ClassPredictions): Int32Array {
  let predicted = predictedCache.get(p);
  if (!predicted) {
    predicted = new Int32Array(p.truth.length);
    for (let r = 0; r < predicted.length; r++) predicted[r] = predictedClass(p, r);
    predictedCache.set(p, predicted);
  }
  return predicted;
}

/** Per class: true positives, false positives, false negatives. */
interface Confusion {
  n: number;
  correct: number;
  tp: Float64Array;
  fp: Float64Array;
  fn: Float64Array;
}

function confusion(p: ClassPredictions, rows?: ArrayLike<number>): Confusion {
  const at = scoredRows(p.truth.length, rows);
  const k = p.classes;
  const classes = predictedClasses(p);
  const tp = new Float64Array(k);
  const fp = new Float64Array(k);
  const fn = new Float64Array(k);
  let correct = 0;
  for (let i = 0; i < at.length; i++) {
    const r = at[i];
    const truth = p.truth[r];
    const predicted = classes[r];
    if (predicted === truth) {
      tp[truth]++;
      correct++;
    } else {
      fp[predicted]++;
      fn[truth]++;
    }
  }
  return { n: at.length, correct, tp, fp, fn };
}

/** Macro precision, recall and F1 over the classes that occur (true or predicted). */
function macro(m: Confusion): { precision: number | null; recall: number | null; f1: number | null } {
  let classes = 0;
  let precision = 0;
  let recall = 0;
  let f1 = 0;
  for (let c = 0; c < m.tp.length; c++) {
    const predicted = m.tp[c] + m.fp[c];
    const actual = m.tp[c] + m.fn[c];
    if (predicted === 0 && actual === 0) continue;
    classes++;
    const p = predicted > 0 ? m.tp[c] / predicted : 0;
    const r = actual > 0 ? m.tp[c] / actual : 0;
    precision += p;
    recall += r;
    f1 += p + r > 0 ? (2 * p * r) / (p + r) : 0;
  }
  if (classes === 0) return { precision: null, recall: null, f1: null };
  return { precision: precision / classes, recall: recall / classes, f1: f1 / classes };
}

export function accuracy(p: ClassPredictions, rows?: ArrayLike<number>): number | null {
  const m = confusion(p, rows);
  return m.n === 0 ? null : m.correct / m.n;
}

export function macroPrecision(p: ClassPredictions, rows?: ArrayLike<number>): number | null {
  return macro(confusion(p, rows)).precision;
}

export function macroRecall(p: ClassPredictions, rows?: ArrayLike<number>): number | null {
  return macro(confusion(p, rows)).recall;
}

export function macroF1(p: ClassPredictions, rows?: ArrayLike<number>): number | null {
  return macro(confusion(p, rows)).f1;
}

export function logLoss(p: ClassPredictions, rows?: ArrayLike<number>): number | null {
  const at = scoredRows(p.truth.length, rows);
  if (at.length === 0) return null;
  const k = p.classes;
  let sum = 0;
  for (let i = 0; i < at.length; i++) {
    const r = at[i];
    const prob = p.probabilities[r * k + p.truth[r]];
    sum -= Math.log(Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, prob)));
  }
  return finiteOrNull(sum / at.length);
}

/** ROC AUC: of the second class for two classes, else the macro one-vs-rest average (see above). */
export function classRocAuc(p: ClassPredictions, rows?: ArrayLike<number>): number | null {
  const at = scoredRows(p.truth.length, rows);
  if (at.length === 0) return null;
  const k = p.classes;
  const scores = new Float64Array(at.length);
  const positive = new Uint8Array(at.length);
  let sum = 0;
  let defined = 0;
  for (const c of k === 2 ? [1] : Array.from({ length: k }, (_, i) => i)) {
    for (let i = 0; i < at.length; i++) {
      scores[i] = p.probabilities[at[i] * k + c];
      positive[i] = p.truth[at[i]] === c ? 1 : 0;
    }
    const auc = rocAuc(scores, positive);
    if (auc === null) continue;
    sum += auc;
    defined++;
  }
  return defined === 0 ? null : sum / defined;
}

/** Every classification metric at once (one pass for the confusion counts). */
export function classificationMetrics(p: ClassPredictions, rows?: ArrayLike<number>): ClassificationMetrics {
  const m = confusion(p, rows);
  const { precision, recall, f1 } = macro(m);
  return {
    precision,
    recall,
    accuracy: m.n === 0 ? null : m.correct / m.n,
    f1_score: f1,
    log_loss: logLoss(p, rows),
    roc_auc: classRocAuc(p, rows),
  };
}
