import { describe, expect, it } from 'vitest';
import { trainPayload, type TrainPayload } from '../../../schema/index.js';
import { classificationMetrics, regressionMetrics } from '../jobs/train/evaluation-metrics.js';
import { classesOf, splitRows, type Rows } from '../jobs/train/training-data.js';

function payload(split: Partial<TrainPayload['hyperparameters']>, task: TrainPayload['task'] = 'classification'): TrainPayload {
  return trainPayload.parse({
    modelType: task === 'classification' ? 'logistic_reg' : 'linear_reg',
    task,
    model: 'alice.m',
    label: { name: 'y', type: task === 'classification' ? 'category' : 'number' },
    features: [{ name: 'x', type: 'number' }],
    rowCount: 1,
    chunkRows: 100,
    checkpointEveryEpochs: 0,
    maxClasses: 10,
    maxVocabulary: 10,
    hyperparameters: {
      hiddenUnits: [], activation: 'relu', optimizer: 'adam', learnRate: 0.01, epochs: 1, batchSize: 8, l1Reg: 0, l2Reg: 0, dropout: 0,
      earlyStop: false, minRelProgress: 0.01, dataSplitMethod: 'auto_split', dataSplitEvalFraction: 0.2, dataSplitCol: null, classWeights: null, autoClassWeights: false,
      ...split,
    },
    spec: null,
    statement: 'CREATE MODEL …',
    datasets: [],
  });
}

const data = (n: number, label: (i: number) => unknown = (i) => (i % 3 === 0 ? null : `c${i % 2}`)): Rows => ({
  index: new Map([['x', 0], ['y', 1], ['s', 2]]),
  rows: Array.from({ length: n }, (_, i) => [i, label(i), i % 4 === 0]),
});

describe('Training data on the agent: labelled rows, split the same way every time', () => {
  it('leaves out unlabelled rows, and auto_split evaluates on nothing below 500 rows and on 20 % from 500', () => {
    const small = splitRows(data(300), payload({}));
    expect(small.dropped).toBe(100);
    expect(small.evaluation).toEqual([]);
    const large = splitRows(data(1500), payload({}));
    expect(large.train.length + large.evaluation.length).toBe(1000);
    expect(large.evaluation.length / 1000).toBeGreaterThan(0.15);
    expect(large.evaluation.length / 1000).toBeLessThan(0.25);
    // Deterministic: an attempt resuming from a checkpoint trains on the same rows.
    expect(splitRows(data(1500), payload({})).evaluation).toEqual(large.evaluation);
  });

  it('random takes the given fraction; seq the last rows by the split column; custom the rows flagged TRUE; no_split none', () => {
    const all = data(1000, (i) => `c${i % 2}`);
    const random = splitRows(all, payload({ dataSplitMethod: 'random', dataSplitEvalFraction: 0.5 }));
    expect(Math.abs(random.evaluation.length - 500)).toBeLessThan(60);
    const seq = splitRows({ ...all, rows: [...all.rows].reverse() }, payload({ dataSplitMethod: 'seq', dataSplitEvalFraction: 0.1, dataSplitCol: 'x' }));
    expect(seq.evaluation.map((r) => r[0])).toEqual(Array.from({ length: 100 }, (_, i) => 900 + i));
    const custom = splitRows(all, payload({ dataSplitMethod: 'custom', dataSplitCol: 's' }));
    expect(custom.evaluation.every((r) => r[2] === true)).toBe(true);
    expect(custom.evaluation).toHaveLength(250);
    expect(splitRows(all, payload({ dataSplitMethod: 'no_split' })).evaluation).toEqual([]);
  });

  it('keeps only numeric labels for a regressor, and sorts a classifier’s classes (numerically when they are numbers)', () => {
    const mixed = data(10, (i) => (i % 2 ? 'n/a' : i));
    expect(splitRows(mixed, payload({}, 'regression')).train).toHaveLength(5);
    expect(classesOf([[0, 10], [0, 9], [0, 100], [0, null]], 1)).toEqual(['9', '10', '100']);
    expect(classesOf([[0, 'b'], [0, 'a'], [0, true]], 1)).toEqual(['a', 'b', 'true']);
  });
});

describe('Evaluation metrics', () => {
  it('scores a perfect classifier 1 and a reversed one 0 on ROC AUC', () => {
    const p = new Float32Array([0.9, 0.1, 0.2, 0.8, 0.7, 0.3, 0.4, 0.6]);
    const perfect = classificationMetrics(p, [0, 1, 0, 1], 2);
    expect(perfect).toMatchObject({ accuracy: 1, precision: 1, recall: 1, f1_score: 1, roc_auc: 1 });
    expect(perfect.log_loss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.7) + Math.log(0.6)) / 4, 5);
    expect(classificationMetrics(p, [1, 0, 1, 0], 2)).toMatchObject({ accuracy: 0, roc_auc: 0 });
  });

  it('gives R² 1 for exact predictions and 0 for the mean', () => {
    expect(regressionMetrics(new Float32Array([1, 2, 3]), [1, 2, 3])).toMatchObject({ mean_absolute_error: 0, r2_score: 1 });
    const mean = regressionMetrics(new Float32Array([2, 2, 2]), [1, 2, 3]);
    expect(mean.r2_score).toBeCloseTo(0, 10);
    expect(mean).toMatchObject({ mean_absolute_error: 2 / 3, median_absolute_error: 1 });
    expect(mean.root_mean_squared_error).toBeCloseTo(Math.sqrt(2 / 3), 10);
  });
});
