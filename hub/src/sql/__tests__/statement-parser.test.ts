import { describe, expect, it } from 'vitest';
import { SqlError } from '../sql-error.js';
import { createModelParts, pinnedSelect } from '../create-model-parts.js';
import { parseStatement, type SqlStatement } from '../statement-parser.js';

/** The error a query gets: where, and what it says. */
function errorOf(query: string): { line?: number; column?: number; message: string; code: string } {
  try {
    parseStatement(query);
  } catch (error) {
    if (!(error instanceof SqlError)) throw error;
    const field = error.fields[0] as { line?: number; column?: number };
    return { line: field.line, column: field.column, message: error.problem, code: error.code };
  }
  throw new Error(`expected an error for: ${query}`);
}

function statementOf(query: string): SqlStatement {
  return parseStatement(query).statement;
}

describe('Parse: CREATE MODEL', () => {
  it('reads the model, the options (typed) and the SELECT to train on', () => {
    const s = statementOf(`CREATE OR REPLACE MODEL alice.churn
      OPTIONS (
        model_type = 'DNN_CLASSIFIER', input_label_cols = ['churned'], hidden_units = [64, 32], activation = 'relu',
        optimizer = 'Adam', learn_rate = 0.01, max_iterations = 20, batch_size = 64, l1_reg = 0, l2_reg = 0.001,
        dropout = 0.2, early_stop = TRUE, min_rel_progress = 0.005, data_split_method = 'RANDOM',
        data_split_eval_fraction = 0.25, class_weights = [STRUCT('yes', 3.0), STRUCT('no', 1)]
      )
      AS SELECT tenure, plan, churned FROM alice.customers@2 WHERE tenure > 0;`);
    expect(s.kind).toBe('CREATE_MODEL');
    if (s.kind !== 'CREATE_MODEL') return;
    expect(s.replace).toBe(true);
    expect(s.ifNotExists).toBe(false);
    expect(s.model).toEqual({ owner: 'alice', name: 'churn', offset: 24, end: 35 });
    expect(s.options).toEqual({
      modelType: 'dnn_classifier',
      inputLabelCols: ['churned'],
      modelSpec: null,
      hiddenUnits: { value: [64, 32] },
      activation: { value: 'relu' },
      optimizer: { value: 'adam' },
      learnRate: { value: 0.01 },
      epochs: 20,
      batchSize: { value: 64 },
      l1Reg: { value: 0 },
      l2Reg: { value: 0.001 },
      dropout: { value: 0.2 },
      earlyStop: true,
      minRelProgress: 0.005,
      dataSplitMethod: 'random',
      dataSplitEvalFraction: 0.25,
      dataSplitCol: null,
      classWeights: [
        { label: 'yes', weight: 3 },
        { label: 'no', weight: 1 },
      ],
      autoClassWeights: null,
      numTrials: 1,
      maxParallelTrials: 1,
      deploy: null,
      retrain: null,
      promotion: null,
    });
    expect(s.query.datasets.map(({ owner, name, version }) => ({ owner, name, version }))).toEqual([
      { owner: 'alice', name: 'customers', version: { number: 2 } },
    ]);
  });

  it('reads deploy = TRUE and deployment = \'name\' (put the trained version online)', () => {
    const options = (query: string) => {
      const s = statementOf(query);
      return s.kind === 'CREATE_MODEL' ? s.options.deploy : undefined;
    };
    const base = `CREATE MODEL alice.churn OPTIONS (model_type = 'logistic_reg'`;
    expect(options(`${base}, deploy = TRUE) AS SELECT * FROM alice.d`)).toEqual({ name: null });
    expect(options(`${base}, deploy = FALSE) AS SELECT * FROM alice.d`)).toBeNull();
    expect(options(`${base}) AS SELECT * FROM alice.d`)).toBeNull();
    expect(options(`${base}, deployment = 'churn-api') AS SELECT * FROM alice.d`)).toEqual({ name: 'churn-api' });
    expect(options(`${base}, DEPLOY = true, deployment = 'churn.v2') AS SELECT * FROM alice.d`)).toEqual({ name: 'churn.v2' });
  });

  it('refuses deploy options that cannot be followed, pointing at them', () => {
    const base = `CREATE MODEL alice.churn OPTIONS (model_type = 'logistic_reg', `;
    expect(errorOf(`${base}deploy = 'yes') AS SELECT * FROM alice.d`)).toMatchObject({
      code: 'BAD_USER_INPUT',
      column: base.length + 10,
      message: 'deploy must be TRUE or FALSE, not a string',
    });
    expect(errorOf(`${base}deployment = TRUE) AS SELECT * FROM alice.d`)).toMatchObject({
      column: base.length + 14,
      message: "deployment must be a deployment name in quotes, like 'churn-api', not TRUE or FALSE",
    });
    expect(errorOf(`${base}deployment = 'churn api') AS SELECT * FROM alice.d`)).toMatchObject({
      column: base.length + 14,
      message: expect.stringContaining("deployment 'churn api' is not a valid name"),
    });
    expect(errorOf(`${base}deploy = FALSE, deployment = 'x') AS SELECT * FROM alice.d`)).toMatchObject({
      column: base.length + 1,
      message: "deploy = FALSE contradicts deployment = 'x': drop one of them",
    });
    expect(errorOf(`${base}deploy = TRUE, deploy = TRUE) AS SELECT * FROM alice.d`)).toMatchObject({ message: 'option deploy is given twice' });
    expect(errorOf(`${base}deploi = TRUE) AS SELECT * FROM alice.d`)).toMatchObject({ message: 'unknown option deploi (did you mean deploy?)' });
  });

  it('reads tuning search spaces and custom models', () => {
    const tuned = statementOf(`CREATE MODEL alice.m OPTIONS (model_type = 'dnn_regressor', num_trials = 8, max_parallel_trials = 2,
      learn_rate = HPARAM_RANGE(0.0001, 0.1), hidden_units = HPARAM_CANDIDATES([STRUCT([64, 32]), [128]]),
      optimizer = HPARAM_CANDIDATES(['sgd', 'ADAM'])) AS SELECT * FROM alice.d`);
    expect(tuned.kind === 'CREATE_MODEL' && tuned.options).toMatchObject({
      numTrials: 8,
      maxParallelTrials: 2,
      learnRate: { range: { min: 0.0001, max: 0.1 } },
      hiddenUnits: { candidates: [[64, 32], [128]] },
      optimizer: { candidates: ['sgd', 'adam'] },
    });
    const custom = statementOf(`CREATE MODEL IF NOT EXISTS \`my-org.net.v2\` OPTIONS (model_type = 'custom', model_spec = 'my-org/resnet-ish', epochs = 5) AS (SELECT * FROM "my-org"."images.small")`);
    expect(custom).toMatchObject({
      kind: 'CREATE_MODEL',
      ifNotExists: true,
      model: { owner: 'my-org', name: 'net.v2' },
      options: { modelType: 'custom', modelSpec: { owner: 'my-org', name: 'resnet-ish' }, epochs: 5 },
    });
  });

  it('says where an option is wrong and what is wrong with it', () => {
    const create = (options: string, rest = ' AS SELECT * FROM a.b') => `CREATE MODEL a.m\nOPTIONS (${options})${rest}`;
    expect(errorOf(create(`model_type = 'linear_reg', learning_rate = 0.1`))).toEqual({
      code: 'BAD_USER_INPUT',
      line: 2,
      column: 37,
      message: 'unknown option learning_rate (did you mean learn_rate?)',
    });
    expect(errorOf(create(`model_type = 'random_forest'`))).toMatchObject({
      line: 2,
      column: 23,
      message: expect.stringContaining("unknown model_type 'random_forest': use 'linear_reg', 'logistic_reg', 'dnn_classifier', 'dnn_regressor', 'custom'"),
    });
    expect(errorOf(create(`model_type = 'linear_reg', learn_rate = 'fast'`))).toMatchObject({ column: 50, message: 'learn_rate must be a number, not a string' });
    expect(errorOf(create(`model_type = 'linear_reg', epochs = 2.5`))).toMatchObject({ message: 'epochs must be a whole number, not a number' });
    expect(errorOf(create(`model_type = 'dnn_classifier', dropout = 1`))).toMatchObject({ message: 'dropout must be at least 0 and less than 1' });
    expect(errorOf(create(`model_type = 'linear_reg', hidden_units = [8]`))).toMatchObject({
      column: 37,
      message: expect.stringContaining("hidden_units does not apply to model_type 'linear_reg'"),
    });
    expect(errorOf(create(`input_label_cols = ['y']`))).toMatchObject({ line: 2, column: 1, message: expect.stringContaining('OPTIONS must set model_type') });
    expect(errorOf(create(`model_type = 'custom'`))).toMatchObject({ message: expect.stringContaining("needs model_spec = 'owner/spec-name'") });
    expect(errorOf(create(`model_type = 'custom', model_spec = 'resnet'`))).toMatchObject({ message: "model_spec must be 'owner/spec-name', got 'resnet'" });
    expect(errorOf(create(`model_type = 'linear_reg', learn_rate = HPARAM_RANGE(0.1, 0.5)`))).toMatchObject({ column: 50, message: expect.stringContaining('HPARAM_RANGE needs num_trials > 1') });
    expect(errorOf(create(`model_type = 'linear_reg', num_trials = 4`))).toMatchObject({ message: expect.stringContaining('num_trials > 1 needs at least one option written as HPARAM_RANGE') });
    expect(errorOf(create(`model_type = 'linear_reg', num_trials = 2, max_parallel_trials = 3, l2_reg = HPARAM_RANGE(0, 1)`))).toMatchObject({ message: 'max_parallel_trials (3) must not exceed num_trials (2)' });
    expect(errorOf(create(`model_type = 'linear_reg', learn_rate = HPARAM_RANGE(0.5, 0.1)`))).toMatchObject({ message: 'HPARAM_RANGE(min, max) needs min < max' });
    expect(errorOf(create(`model_type = 'linear_reg', epochs = 3, max_iterations = 4`))).toMatchObject({ message: 'epochs and max_iterations are the same option: give one' });
    expect(errorOf(create(`model_type = 'linear_reg', epochs = 3, epochs = 4`))).toMatchObject({ message: 'option epochs is given twice' });
    expect(errorOf(create(`model_type = 'linear_reg', data_split_method = 'custom'`))).toMatchObject({ message: "data_split_method 'custom' needs data_split_col = 'column'" });
    expect(errorOf(create(`model_type = 'linear_reg', data_split_method = 'no_split', data_split_eval_fraction = 0.2`))).toMatchObject({
      message: "data_split_eval_fraction does not apply to data_split_method 'no_split'",
    });
    expect(errorOf(create(`model_type = 'linear_reg', input_label_cols = ['a', 'b']`))).toMatchObject({ message: 'input_label_cols must name exactly one column' });
    expect(errorOf(create(`model_type = "linear_reg"`))).toMatchObject({ message: expect.stringContaining("write strings in single quotes ('linear_reg')") });
    expect(errorOf(create(`model_type = 'logistic_reg', class_weights = ['a', 1]`))).toMatchObject({ message: expect.stringContaining('class_weights must be an array like') });
    expect(errorOf(create(`model_type = 'linear_reg'`, ''))).toMatchObject({ message: expect.stringContaining('expected AS SELECT … after OPTIONS(…)') });
    expect(errorOf(create(`model_type = 'linear_reg'`, ' SELECT 1'))).toMatchObject({ line: 2, column: 37, message: 'expected AS SELECT … after OPTIONS(…)' });
    expect(errorOf('CREATE MODEL a.m AS SELECT 1')).toMatchObject({ column: 18, message: 'expected OPTIONS(model_type = …) before AS' });
    expect(errorOf(`CREATE MODEL a.m@2 OPTIONS (model_type = 'linear_reg') AS SELECT 1`)).toMatchObject({ column: 14, message: expect.stringContaining('names a model, not a version') });
    expect(errorOf(`CREATE TABLE a.m (x int)`)).toMatchObject({ column: 1, message: expect.stringContaining('CREATE TABLE is not allowed') });
  });

  it('checks the SELECT to train on with the sandbox rules, at its place in the statement', () => {
    expect(errorOf(`CREATE MODEL a.m OPTIONS (model_type = 'linear_reg')\nAS SELECT x,\n  pg_sleep(1) FROM a.b`)).toEqual({
      code: 'BAD_USER_INPUT',
      line: 3,
      column: 3,
      message: expect.stringContaining('function pg_sleep is not allowed'),
    });
    expect(errorOf(`CREATE MODEL a.m OPTIONS (model_type = 'linear_reg')\nAS SELECT x FROM a.b WHERE`)).toMatchObject({ line: 2, message: expect.stringContaining('syntax error') });
  });
});

describe('Parse: ML functions', () => {
  it('reads ML.PREDICT with a model version or alias and the rows to predict', () => {
    const s = statementOf('SELECT * FROM ML.PREDICT(MODEL alice.churn@production, (SELECT * FROM alice.customers WHERE x > 1))');
    expect(s).toMatchObject({ kind: 'ML_PREDICT', model: { owner: 'alice', name: 'churn', version: { alias: 'production' }, offset: 31 } });
    const v = statementOf('select * from ml.predict(model `alice.churn@3`, (select a from alice.c));');
    expect(v).toMatchObject({ kind: 'ML_PREDICT', model: { version: { number: 3 } } });
  });

  it('reads ML.EVALUATE with and without rows, and ML.TRAINING_INFO', () => {
    expect(statementOf('SELECT * FROM ML.EVALUATE(MODEL alice.churn)')).toMatchObject({ kind: 'ML_EVALUATE', model: { version: null }, input: null });
    const withRows = statementOf('SELECT * FROM ML.EVALUATE(MODEL alice.churn@2, (SELECT * FROM alice.holdout@1))');
    expect(withRows.kind === 'ML_EVALUATE' && withRows.input?.datasets.map((d) => d.version)).toEqual([{ number: 1 }]);
    expect(statementOf('SELECT * FROM ML.TRAINING_INFO(MODEL "alice"."churn")')).toMatchObject({ kind: 'ML_TRAINING_INFO', model: { owner: 'alice', name: 'churn' } });
  });

  it('reads ML.EVALUATE against a benchmark (a submission), and refuses a benchmark version or trailing text', () => {
    expect(statementOf('SELECT * FROM ML.EVALUATE(MODEL alice.churn@2, BENCHMARK acme.churn_bench)')).toMatchObject({
      kind: 'ML_EVALUATE',
      model: { owner: 'alice', name: 'churn', version: { number: 2 } },
      input: null,
      benchmark: { owner: 'acme', name: 'churn_bench', offset: 57 },
    });
    expect(errorOf('SELECT * FROM ML.EVALUATE(MODEL a.m, BENCHMARK acme.b@2)')).toMatchObject({ message: expect.stringContaining('a benchmark has no versions') });
    expect(errorOf('SELECT * FROM ML.EVALUATE(MODEL a.m, BENCHMARK acme.b, 1)')).toMatchObject({ message: expect.stringContaining('expected ")" here') });
  });

  it('says what is wrong with an ML call, where', () => {
    expect(errorOf('SELECT * FROM ML.PREDICT(MODEL alice.churn)')).toMatchObject({ message: expect.stringContaining('ML.PREDICT needs the rows to predict') });
    expect(errorOf('SELECT * FROM ML.FORECAST(MODEL alice.churn)')).toMatchObject({ column: 15, message: expect.stringContaining('unknown function ML.FORECAST') });
    expect(errorOf('SELECT label FROM ML.PREDICT(MODEL a.m, (SELECT 1))')).toMatchObject({ column: 19, message: expect.stringContaining('must be the whole query') });
    expect(errorOf('SELECT * FROM ML.TRAINING_INFO(MODEL a.m, (SELECT 1))')).toMatchObject({ message: 'ML.TRAINING_INFO takes only the model' });
    expect(errorOf('SELECT * FROM ML.PREDICT(a.m, (SELECT 1))')).toMatchObject({ column: 26, message: 'expected MODEL owner.model here' });
    expect(errorOf('SELECT * FROM ML.PREDICT(MODEL a.m, TABLE a.b)')).toMatchObject({ message: expect.stringContaining('write (SELECT * FROM owner.dataset)') });
    expect(errorOf('SELECT * FROM ML.PREDICT(MODEL a.m@, (SELECT 1))')).toMatchObject({ column: 35, message: expect.stringContaining('expected a version number or alias') });
    expect(errorOf('SELECT * FROM ML.PREDICT(MODEL a.m, (SELECT 1)) WHERE x = 1')).toMatchObject({ column: 49, message: expect.stringContaining('nothing may follow') });
    expect(errorOf('SELECT * FROM ML.PREDICT(MODEL a.m,\n  (SELECT lo_import(\'/etc/passwd\')))')).toMatchObject({ line: 2, column: 11, message: expect.stringContaining('function lo_import is not allowed') });
  });
});

describe('Parse: statements other than SELECT and CREATE MODEL', () => {
  it('refuses each with why, at its first word', () => {
    for (const [query, words] of [
      ['INSERT INTO a.b VALUES (1)', 'INSERT is not allowed'],
      ['  update a.b set x = 1', 'UPDATE is not allowed'],
      ['COPY a.b TO STDOUT', 'COPY is not allowed'],
      ['SET search_path = public', 'SET is not allowed'],
      ['VACUUM', 'VACUUM is not allowed'],
      ['hello world', 'expected SELECT, WITH, CREATE MODEL or ALTER MODEL'],
    ] as const) {
      const e = errorOf(query);
      expect(e.message, query).toContain(words);
      expect(e.line, query).toBe(1);
      expect(e.column, query).toBe(query.search(/\S/) + 1);
    }
    expect(errorOf('   ')).toMatchObject({ message: 'the query is empty', line: undefined });
    expect(errorOf(';')).toMatchObject({ message: 'the query is empty' });
  });

  it('allows one statement, with or without a final semicolon', () => {
    expect(statementOf('SELECT 1;  -- done').kind).toBe('SELECT');
    expect(errorOf('SELECT 1;\n  SELECT 2')).toMatchObject({ line: 2, column: 3, message: expect.stringContaining('only one statement') });
  });
});

describe('Parse: retraining options and ALTER MODEL … SET OPTIONS', () => {
  const create = (options: string) => statementOf(`CREATE MODEL a.m OPTIONS (model_type = 'linear_reg', ${options}) AS SELECT x, label FROM a.d`);

  it('reads retrain as on new data, a cron schedule, both, or off; and the promotion options', () => {
    const retrainOf = (value: string) => {
      const s = create(`retrain = '${value}'`);
      return s.kind === 'CREATE_MODEL' ? s.options.retrain : undefined;
    };
    expect(retrainOf('on_new_data')).toEqual({ onNewData: true, cron: null });
    expect(retrainOf('cron:0 3 * * 1')).toEqual({ onNewData: false, cron: '0 3 * * 1' });
    expect(retrainOf('on_new_data,cron:0 3 * * 1,4')).toEqual({ onNewData: true, cron: '0 3 * * 1,4' });
    expect(retrainOf('cron:*/30 * * * * *,on_new_data')).toEqual({ onNewData: true, cron: '*/30 * * * * *' });
    expect(retrainOf('OFF')).toEqual({ onNewData: false, cron: null });
    const s = create(`promote_metric = 'rmse', promote_min_improvement = 0.01, promote_tolerance = 0.02`);
    expect(s.kind === 'CREATE_MODEL' && s.options.promotion).toEqual({ metric: 'rmse', minImprovement: 0.01, tolerance: 0.02 });
    expect(s.kind === 'CREATE_MODEL' && s.options.retrain).toBeNull();
  });

  it('refuses a retrain value or cron expression that does not run, pointing at it', () => {
    expect(errorOf(`CREATE MODEL a.m OPTIONS (model_type = 'linear_reg', retrain = 'daily') AS SELECT x, label FROM a.d`)).toMatchObject({
      column: 64,
      message: expect.stringContaining("retrain must be 'off', 'on_new_data', 'cron:<expression>'"),
    });
    expect(errorOf(`CREATE MODEL a.m OPTIONS (model_type = 'linear_reg', retrain = 'cron:0 25 * * *') AS SELECT x, label FROM a.d`).message).toContain("the cron expression '0 25 * * *' is not valid");
    expect(errorOf(`CREATE MODEL a.m OPTIONS (model_type = 'linear_reg', retrain = 'cron:0 3 *') AS SELECT x, label FROM a.d`).message).toContain('has 3 fields');
    expect(errorOf(`CREATE MODEL a.m OPTIONS (model_type = 'linear_reg', retrain = TRUE) AS SELECT x, label FROM a.d`).message).toContain('retrain must be a string');
    expect(errorOf(`CREATE MODEL a.m OPTIONS (model_type = 'linear_reg', promote_tolerance = -1) AS SELECT x, label FROM a.d`).message).toContain('promote_tolerance must be at least 0');
  });

  it('reads ALTER MODEL owner.name SET OPTIONS (…) with the retraining and promotion options only', () => {
    expect(statementOf(`ALTER MODEL alice.churn SET OPTIONS (retrain = 'off', promote_metric = 'accuracy')`)).toEqual({
      kind: 'ALTER_MODEL',
      model: { owner: 'alice', name: 'churn', offset: 12 },
      options: { retrain: { onNewData: false, cron: null }, promotion: { metric: 'accuracy' } },
    });
    expect(errorOf(`ALTER MODEL alice.churn SET OPTIONS (epochs = 3)`).message).toContain('ALTER MODEL cannot change epochs');
    expect(errorOf(`ALTER MODEL alice.churn SET OPTIONS (colour = 3)`).message).toContain('unknown option colour');
    expect(errorOf(`ALTER MODEL alice.churn OPTIONS (retrain = 'off')`).message).toContain('expected SET OPTIONS');
    expect(errorOf(`ALTER MODEL alice.churn@2 SET OPTIONS (retrain = 'off')`).message).toContain('leave out the @');
    expect(errorOf(`ALTER MODEL alice.churn SET OPTIONS (retrain = 'off') AS SELECT 1`).message).toContain('nothing may follow');
    expect(errorOf(`ALTER TABLE a.b ADD COLUMN c int`).message).toContain('ALTER is not allowed here');
  });

  it('takes a CREATE MODEL statement apart and pins the datasets it names without a version', () => {
    const statement = 'CREATE MODEL alice.m OPTIONS (model_type = \'linear_reg\') AS SELECT a, label FROM alice.houses h JOIN "my-org"."x.y" USING (a) JOIN alice.z@2 USING (a) JOIN `bob.w` USING (a)';
    const parts = createModelParts(statement);
    expect(parts.options).toBe(" OPTIONS (model_type = 'linear_reg') AS ");
    expect(parts.datasets).toEqual([
      { owner: 'alice', name: 'houses', pinned: null },
      { owner: 'my-org', name: 'x.y', pinned: null },
      { owner: 'alice', name: 'z', pinned: 2 },
      { owner: 'bob', name: 'w', pinned: null },
    ]);
    expect(pinnedSelect(statement, (owner) => (owner === 'bob' ? 9 : 4))).toBe('SELECT a, label FROM alice.houses@4 h JOIN "my-org"."x.y"@4 USING (a) JOIN alice.z@2 USING (a) JOIN `bob.w@9` USING (a)');
    expect(pinnedSelect(statement, (owner) => (owner === 'bob' ? null : 1))).toBeNull();
  });
});
