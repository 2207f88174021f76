/**
 * The hub's metrics against an independent reference written plainly here (pairwise ROC AUC,
 * per-class counting by class name, simple-statistics for means and medians), on random and
 * hand-made inputs, and against textbook values (scikit-learn's documented examples).
 */
import * as ss from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  classificationMetrics,
  classRocAuc,
  logLoss,
  macroF1,
  macroPrecision,
  macroRecall,
  meanAbsoluteError,
  medianAbsoluteError,
  r2Score,
  regressionMetrics,
  rocAuc,
  type ClassPredictions,
} from '../index.js';

/** A test-only LCG (not the module's generator), so random inputs are reproducible. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

// ---- The reference: plain, slow, by definition. ----

/** P(score of a positive > score of a negative) + ½ P(tie), over every pair. */
function refAuc(scores: number[], positive: boolean[]): number | null {
  let wins = 0;
  let pairs = 0;
  scores.forEach((s, i) => {
    if (!positive[i]) return;
    scores.forEach((t, j) => {
      if (positive[j]) return;
      pairs++;
      wins += s > t ? 1 : s === t ? 0.5 : 0;
    });
  });
  return pairs === 0 ? null : wins / pairs;
}

function argmax(v: number[]): number {
  return v.reduce((best, x, i) => (x > v[best] ? i : best), 0);
}

/** Macro P/R/F1 and accuracy from class names, over the names that occur (scikit-learn's default). */
function refClassification(names: string[], truth: string[], probs: number[][]) {
  const predicted = probs.map((p) => names[argmax(p)]);
  const occurring = names.filter((c) => truth.includes(c) || predicted.includes(c));
  const per = occurring.map((c) => {
    const tp = truth.filter((t, i) => t === c && predicted[i] === c).length;
    const predictedC = predicted.filter((p) => p === c).length;
    const trueC = truth.filter((t) => t === c).length;
    const p = predictedC ? tp / predictedC : 0;
    const r = trueC ? tp / trueC : 0;
    return { p, r, f: p + r ? (2 * p * r) / (p + r) : 0 };
  });
  const k = names.length;
  const aucs = (k === 2 ? [1] : names.map((_, c) => c))
    .map((c) => refAuc(probs.map((p) => p[c]), truth.map((t) => t === names[c])))
    .filter((a): a is number => a !== null);
  return {
    accuracy: truth.filter((t, i) => predicted[i] === t).length / truth.length,
    precision: ss.mean(per.map((x) => x.p)),
    recall: ss.mean(per.map((x) => x.r)),
    f1_score: ss.mean(per.map((x) => x.f)),
    log_loss: ss.mean(truth.map((t, i) => -Math.log(Math.min(1 - 1e-15, Math.max(1e-15, probs[i][names.indexOf(t)]))))),
    roc_auc: aucs.length ? ss.mean(aucs) : null,
  };
}

function refRegression(truth: number[], predicted: number[]) {
  const errors = truth.map((t, i) => predicted[i] - t);
  const mse = ss.mean(errors.map((e) => e * e));
  const mean = ss.mean(truth);
  const total = ss.sum(truth.map((t) => (t - mean) ** 2));
  return {
    mean_absolute_error: ss.mean(errors.map(Math.abs)),
    mean_squared_error: mse,
    root_mean_squared_error: Math.sqrt(mse),
    median_absolute_error: ss.median(errors.map(Math.abs)),
    r2_score: total > 0 ? 1 - ss.sum(errors.map((e) => e * e)) / total : null,
  };
}

/** Flat inputs from nested ones. */
function classInput(names: string[], truth: string[], probs: number[][]): ClassPredictions {
  return { classes: names.length, truth: truth.map((t) => names.indexOf(t)), probabilities: Float64Array.from(probs.flat()) };
}

function randomClassification(rand: () => number, n: number, k: number, ties: boolean) {
  const names = Array.from({ length: k }, (_, c) => `class ${c}`);
  const truth = Array.from({ length: n }, () => names[Math.floor(rand() * k)]);
  const probs = truth.map((t) => {
    // Informative but noisy: the true class gets a head start.
    const raw = names.map((c) => (ties ? Math.round(rand() * 4) : rand()) + (c === t && rand() < 0.6 ? 1 : 0) + 0.01);
    const sum = raw.reduce((a, b) => a + b, 0);
    return raw.map((x) => x / sum);
  });
  return { names, truth, probs };
}

function expectClose(got: Record<string, number | null>, want: Record<string, number | null>, digits = 12) {
  for (const [name, value] of Object.entries(want)) {
    if (value === null) expect(got[name], name).toBeNull();
    else expect(got[name], name).toBeCloseTo(value, digits);
  }
}

describe('Evaluation metrics: classification', () => {
  it('equal the plain reference on random inputs: 2 to 6 classes, with and without tied scores', () => {
    const rand = lcg(42);
    for (let trial = 0; trial < 40; trial++) {
      const k = 2 + (trial % 5);
      const n = 1 + Math.floor(rand() * 120);
      const { names, truth, probs } = randomClassification(rand, n, k, trial % 2 === 0);
      const want = refClassification(names, truth, probs);
      expectClose({ ...classificationMetrics(classInput(names, truth, probs)) }, want);
    }
  });

  it('score a resample by row indices exactly as the same rows written out', () => {
    const rand = lcg(7);
    const { names, truth, probs } = randomClassification(rand, 60, 3, true);
    const rows = Int32Array.from({ length: 60 }, () => Math.floor(rand() * 60));
    const written = classInput(names, [...rows].map((r) => truth[r]), [...rows].map((r) => probs[r]));
    const p = classInput(names, truth, probs);
    expect(classificationMetrics(p, rows)).toEqual(classificationMetrics(written));
    expect([accuracy(p, rows), macroPrecision(p, rows), macroRecall(p, rows), macroF1(p, rows), logLoss(p, rows), classRocAuc(p, rows)]).toEqual(
      [accuracy(written), macroPrecision(written), macroRecall(written), macroF1(written), logLoss(written), classRocAuc(written)],
    );
  });

  it('give the textbook values (scikit-learn’s documented examples)', () => {
    // roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 15);
    // log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) = 0.21616…
    const spam = classInput(['ham', 'spam'], ['spam', 'ham', 'ham', 'spam'], [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]);
    expect(logLoss(spam)).toBeCloseTo(0.21616187468057912, 12);
    // precision_recall_fscore_support([0,1,2,0,1,2], [0,2,1,0,0,1], average='macro') = (0.222…, 0.333…, 0.266…)
    const names = ['0', '1', '2'];
    const onehot = (c: number) => names.map((_, i) => (i === c ? 1 : 0));
    const p = classInput(names, ['0', '1', '2', '0', '1', '2'], [0, 2, 1, 0, 0, 1].map(onehot));
    expect(macroPrecision(p)).toBeCloseTo(2 / 9, 15);
    expect(macroRecall(p)).toBeCloseTo(1 / 3, 15);
    expect(macroF1(p)).toBeCloseTo(4 / 15, 15);
    expect(accuracy(p)).toBeCloseTo(1 / 3, 15);
  });

  it('share ranks between tied scores: all scores equal is an area of ½', () => {
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBe(0.5);
    expect(rocAuc([0.2, 0.5, 0.5, 0.9], [0, 1, 0, 1])).toBeCloseTo(refAuc([0.2, 0.5, 0.5, 0.9], [false, true, false, true])!, 15);
    expect(rocAuc([0.2, 0.5, 0.5, 0.9], [0, 1, 0, 1])).toBe(0.875);
    // Heavy ties on random inputs: equal to the pairwise count.
    const rand = lcg(11);
    for (let trial = 0; trial < 50; trial++) {
      const n = 2 + Math.floor(rand() * 80);
      const scores = Array.from({ length: n }, () => Math.floor(rand() * 5) / 4);
      const positive = scores.map(() => rand() < 0.4);
      const want = refAuc(scores, positive);
      if (want === null) expect(rocAuc(scores, positive)).toBeNull();
      else expect(rocAuc(scores, positive)).toBeCloseTo(want, 12);
    }
  });

  it('answer null, never NaN or a throw, where a metric is undefined', () => {
    // No rows: every metric null.
    expect(classificationMetrics({ classes: 3, truth: [], probabilities: [] })).toEqual({
      precision: null, recall: null, accuracy: null, f1_score: null, log_loss: null, roc_auc: null,
    });
    // One true class only: ROC AUC undefined (binary and multiclass), the rest defined.
    const constant = classificationMetrics(classInput(['a', 'b'], ['b', 'b', 'b'], [[0.2, 0.8], [0.6, 0.4], [0.1, 0.9]]));
    expect(constant.roc_auc).toBeNull();
    expect(constant.accuracy).toBeCloseTo(2 / 3, 15);
    expect(classificationMetrics(classInput(['a', 'b', 'c'], ['c', 'c'], [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])).roc_auc).toBeNull();
  });

  it('leave a class absent from both the labels and the predictions out of the macro averages, and out of one-vs-rest AUC', () => {
    const names = ['a', 'b', 'c', 'd'];
    const truth = ['a', 'b', 'a', 'c', 'b', 'a'];
    const probs = [
      [0.7, 0.1, 0.1, 0.1], [0.2, 0.5, 0.2, 0.1], [0.3, 0.4, 0.2, 0.1],
      [0.1, 0.2, 0.6, 0.1], [0.5, 0.3, 0.1, 0.1], [0.4, 0.3, 0.2, 0.1],
    ];
    const got = classificationMetrics(classInput(names, truth, probs));
    // 'd' is never true and never predicted: the averages are over a, b, c.
    expectClose({ ...got }, refClassification(names, truth, probs));
    const a = { p: 2 / 3, r: 2 / 3 };
    const b = { p: 1 / 2, r: 1 / 2 };
    const c = { p: 1, r: 1 };
    expect(got.precision).toBeCloseTo((a.p + b.p + c.p) / 3, 15);
    expect(got.recall).toBeCloseTo((a.r + b.r + c.r) / 3, 15);
    // A class predicted but never true counts with recall 0 (and precision 0).
    const wrong = classificationMetrics(classInput(['a', 'b'], ['a', 'a'], [[0.2, 0.8], [0.9, 0.1]]));
    expect(wrong.precision).toBeCloseTo((1 + 0) / 2, 15);
    expect(wrong.recall).toBeCloseTo((0.5 + 0) / 2, 15);
  });

  it('clip log loss: a certain mistake costs −ln(1e−15), not Infinity', () => {
    const p = classInput(['a', 'b'], ['a'], [[0, 1]]);
    expect(logLoss(p)).toBeCloseTo(-Math.log(1e-15), 10);
    expect(logLoss(classInput(['a', 'b'], ['a'], [[1, 0]]))).toBeCloseTo(0, 12);
  });
});

describe('Evaluation metrics: regression', () => {
  it('equal the reference (simple-statistics) on random inputs', () => {
    const rand = lcg(3);
    for (let trial = 0; trial < 40; trial++) {
      const n = 2 + Math.floor(rand() * 200);
      const truth = Array.from({ length: n }, () => (rand() - 0.5) * 100);
      const predicted = truth.map((t) => t + (rand() - 0.5) * 20);
      expectClose({ ...regressionMetrics({ truth, predicted }) }, refRegression(truth, predicted), 9);
    }
  });

  it('give the textbook values (scikit-learn’s documented examples)', () => {
    const p = { truth: [3, -0.5, 2, 7], predicted: [2.5, 0.0, 2, 8] };
    expect(r2Score(p)).toBeCloseTo(0.9486081370449679, 14);
    expect(meanAbsoluteError(p)).toBe(0.5);
    expect(regressionMetrics(p).mean_squared_error).toBe(0.375);
    expect(medianAbsoluteError(p)).toBe(0.5);
    expect(medianAbsoluteError({ truth: [1, 2, 3], predicted: [1, 2, 6] })).toBe(0);
  });

  it('answer null, never NaN or a throw: no rows; R² of constant labels (one row included)', () => {
    expect(regressionMetrics({ truth: [], predicted: [] })).toEqual({
      mean_absolute_error: null, mean_squared_error: null, root_mean_squared_error: null, median_absolute_error: null, r2_score: null,
    });
    const constant = regressionMetrics({ truth: [4, 4, 4], predicted: [3, 4, 6] });
    expect(constant.r2_score).toBeNull();
    expect(constant.mean_absolute_error).toBe(1);
    expect(r2Score({ truth: [5], predicted: [5] })).toBeNull();
  });

  it('score a resample by row indices exactly as the same rows written out', () => {
    const truth = [1, 5, 2, 8, 3];
    const predicted = [1.5, 4, 2, 9, 2];
    const rows = [4, 0, 0, 3, 1];
    expect(regressionMetrics({ truth, predicted }, rows)).toEqual(regressionMetrics({ truth: rows.map((r) => truth[r]), predicted: rows.map((r) => predicted[r]) }));
  });
});
