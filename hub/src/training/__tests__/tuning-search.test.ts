import { describe, expect, it } from 'vitest';
import type { TrainHyperparameters } from '../../../../schema/index.js';
import { parseStatement } from '../../sql/statement-parser.js';
import { drawTrials, searchSpace } from '../tuning-search.js';

const BASE: TrainHyperparameters = {
  hiddenUnits: [64, 32],
  activation: 'relu',
  optimizer: 'adam',
  learnRate: 0.01,
  epochs: 5,
  batchSize: 32,
  l1Reg: 0,
  l2Reg: 0,
  dropout: 0,
  earlyStop: true,
  minRelProgress: 0.01,
  dataSplitMethod: 'auto_split',
  dataSplitEvalFraction: 0.2,
  dataSplitCol: null,
  classWeights: null,
  autoClassWeights: false,
};

/** The search space of a CREATE MODEL's OPTIONS, as the parser reads it. */
function spaceOf(options: string) {
  const { statement } = parseStatement(`CREATE MODEL alice.m OPTIONS (model_type = 'dnn_classifier', ${options}) AS SELECT a, label FROM alice.d`);
  if (statement.kind !== 'CREATE_MODEL') throw new Error('not CREATE MODEL');
  return { space: searchSpace(statement.options), numTrials: statement.options.numTrials };
}

describe('tuning search', () => {
  it('draws random trials within the ranges: log-uniform for learn_rate and regularisation, whole numbers for batch_size, seeded', () => {
    const { space, numTrials } = spaceOf(
      `num_trials = 100, learn_rate = HPARAM_RANGE(0.0001, 1), l2_reg = HPARAM_RANGE(0.001, 10), batch_size = HPARAM_RANGE(8, 12), dropout = HPARAM_RANGE(0, 0.5), optimizer = HPARAM_CANDIDATES(['adam', 'sgd'])`,
    );
    const { search, trials } = drawTrials(BASE, space, numTrials, 42);
    expect(search).toBe('random');
    expect(trials).toHaveLength(100);
    for (const t of trials) {
      expect(t.learnRate).toBeGreaterThanOrEqual(0.0001);
      expect(t.learnRate).toBeLessThanOrEqual(1);
      expect(t.l2Reg).toBeGreaterThanOrEqual(0.001);
      expect(t.l2Reg).toBeLessThanOrEqual(10);
      expect(Number.isInteger(t.batchSize) && t.batchSize >= 8 && t.batchSize <= 12).toBe(true);
      expect(t.dropout >= 0 && t.dropout <= 0.5).toBe(true);
      expect(['adam', 'sgd']).toContain(t.optimizer);
      expect({ ...t, learnRate: 0, l2Reg: 0, batchSize: 0, dropout: 0, optimizer: 'adam' }).toEqual({ ...BASE, learnRate: 0, l2Reg: 0, batchSize: 0, dropout: 0 });
    }
    // Log-uniform: about a quarter of the draws in each decade of [1e-4, 1]; uniform would put 90 % in the last.
    const belowHundredth = trials.filter((t) => t.learnRate < 0.01).length;
    expect(belowHundredth).toBeGreaterThan(30);
    expect(belowHundredth).toBeLessThan(70);
    expect(new Set(trials.map((t) => t.batchSize))).toEqual(new Set([8, 9, 10, 11, 12]));
    // Seeded: the same seed gives the same trials, another seed others.
    expect(drawTrials(BASE, space, numTrials, 42).trials).toEqual(trials);
    expect(drawTrials(BASE, space, numTrials, 43).trials).not.toEqual(trials);
  });

  it('searches the grid when every tuned option is a candidate list that fits in num_trials, and draws from it otherwise', () => {
    const grid = spaceOf(`num_trials = 8, hidden_units = HPARAM_CANDIDATES([STRUCT([8]), STRUCT([16, 8])]), activation = HPARAM_CANDIDATES(['relu', 'tanh', 'elu'])`);
    const drawn = drawTrials(BASE, grid.space, grid.numTrials, 1);
    expect(drawn.search).toBe('grid');
    expect(drawn.trials.map((t) => [t.hiddenUnits, t.activation])).toEqual([
      [[8], 'relu'],
      [[8], 'tanh'],
      [[8], 'elu'],
      [[16, 8], 'relu'],
      [[16, 8], 'tanh'],
      [[16, 8], 'elu'],
    ]);
    const tooBig = spaceOf(`num_trials = 4, hidden_units = HPARAM_CANDIDATES([STRUCT([8]), STRUCT([16, 8])]), activation = HPARAM_CANDIDATES(['relu', 'tanh', 'elu'])`);
    const random = drawTrials(BASE, tooBig.space, tooBig.numTrials, 1);
    expect(random.search).toBe('random');
    expect(random.trials).toHaveLength(4);
    const withRange = spaceOf(`num_trials = 3, activation = HPARAM_CANDIDATES(['relu', 'tanh']), learn_rate = HPARAM_RANGE(0.001, 0.1)`);
    expect(drawTrials(BASE, withRange.space, withRange.numTrials, 1).search).toBe('random');
  });

  it('parses ML.TRIAL_INFO like ML.TRAINING_INFO: the model only', () => {
    expect(parseStatement('SELECT * FROM ML.TRIAL_INFO(MODEL alice.m@2)').statement).toMatchObject({ kind: 'ML_TRIAL_INFO', model: { owner: 'alice', name: 'm', version: { number: 2 } } });
    expect(() => parseStatement('SELECT * FROM ML.TRIAL_INFO(MODEL alice.m, (SELECT 1))')).toThrow(/ML.TRIAL_INFO takes only the model/);
  });
});
