/**
 * Training by SQL end to end, on real PostgreSQL with real agent processes: CREATE MODEL … AS
 * SELECT over uploaded CSVs trains on an agent and lands in the catalog as a version with metrics,
 * preprocessing, lineage and a training curve; the downloaded artifact predicts raw records with
 * the stored preprocessing; a killed agent's job finishes on another agent from its checkpoint;
 * cancel stops training; and a statement that cannot train is refused, located, before any job.
 *
 * The data are synthetic and deterministic (a seeded generator), so the quality bars are stable:
 * each is stated against the baseline a model that ignores the features would reach.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createClient } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FeatureEncoder, MISSING_CATEGORY } from '../schema/index.js';
import { tfReady } from './catalog-support.js';
import type { AgentProcess } from './support/agent.js';
import { connectAgent } from './support/connect-agent.js';
import { FAST_SCHEDULER, getJob, waitFor, waitForJob } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { listeners } from './support/live-subscriptions.js';
import { csv, flowers, houses, toSpec } from './support/synthetic-data.js';
import { createModel as createModelAs, runSql as runSqlAs } from './support/training.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const VERSION_FIELDS = `number status metrics
  signature { inputs { shape } outputs { shape } features { name type preprocessing { kind mean std vocabulary } } labels }
  lineage { dataset { owner name number } datasets { owner name number } trainingJobId nodeId sql hyperparameters declared }
  trainingCurve { epoch attempt loss evalLoss learningRate durationMs metrics }`;

describe('Training by SQL (CREATE MODEL … AS SELECT on agents)', () => {
  let hub: TestHub;
  let alice: SignedUp;
  const agents: AgentProcess[] = [];

  async function startAgent(name: string): Promise<AgentProcess> {
    const { agent } = await connectAgent(hub, alice.token, name);
    agents.push(agent);
    return agent;
  }

  const runSql = (query: string, token = alice.token, first?: number, after?: string) => runSqlAs(hub, token, query, first, after);
  const createModel = (statement: string) => createModelAs(hub, alice.token, statement);

  async function version(model: string, number: number) {
    const res = await hub.graphql(`query($o: String!, $n: String!, $v: Int!) { modelVersion(owner: $o, name: $n, number: $v) { ${VERSION_FIELDS} } }`, { o: alice.username, n: model, v: number }, alice.token);
    expect(res.errors).toBeUndefined();
    return res.data.modelVersion;
  }

  /** The version's model.json and shard, loaded with TF.js the way a user would. */
  async function download(model: string, number: number): Promise<tf.LayersModel> {
    await tfReady();
    return tf.loadLayersModel(`${hub.url}/api/models/${alice.username}/${model}/versions/${number}/model.json`, {
      requestInit: { headers: { authorization: `Bearer ${alice.token}` } },
    });
  }

  beforeAll(async () => {
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_TRAIN_CHECKPOINT_EPOCHS: '2', AIMASS_TRAIN_CHUNK_ROWS: '250' } });
    alice = await signUp(hub);
    for (const [name, rows] of [
      ['flowers', flowers(600, 1)],
      ['houses', houses(500, 2)],
    ] as const) {
      await createDataset(hub, alice.token, { name, visibility: 'PRIVATE' });
      const res = await upload(hub, alice.token, alice.username, name, csv(rows as Record<string, unknown>[]));
      expect(res.status).toBe(201);
    }
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => (a.child.exitCode === null && a.child.signalCode === null ? a.stop() : undefined)));
  });
  afterAll(() => hub?.close());

  it('refuses a statement that cannot train, at its line and column, before any job starts', async () => {
    const refusal = async (statement: string) => {
      const res = await runSql(statement);
      expect(res.errors, statement).toBeDefined();
      return { code: codeOf(res), message: res.errors![0].message, field: (res.errors![0].extensions!.fields as any[])[0] };
    };
    const F = `${alice.username}.flowers`;
    const noColumn = await refusal(`CREATE MODEL ${alice.username}.m1 OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species'])\nAS SELECT petal, stamen, species FROM ${F}`);
    expect(noColumn).toMatchObject({ code: 'BAD_USER_INPUT', field: { line: 2, column: 18 } });
    expect(noColumn.message).toMatch(/column "stamen" does not exist/);

    const labelLine = `  OPTIONS (model_type = 'logistic_reg', input_label_cols = ['kind'])`;
    const noLabel = await refusal(`CREATE MODEL ${alice.username}.m1\n${labelLine}\n  AS SELECT petal, sepal FROM ${F}`);
    expect(noLabel).toMatchObject({ code: 'BAD_USER_INPUT', field: { line: 2, column: labelLine.indexOf("['kind']") + 1 } });
    expect(noLabel.message).toContain('column "kind" is not in the SELECT (its columns: petal, sepal)');

    const badType = await refusal(`CREATE MODEL ${alice.username}.m1 OPTIONS (model_type = 'random_forest') AS SELECT petal AS label, sepal FROM ${F}`);
    expect(badType).toMatchObject({ code: 'BAD_USER_INPUT', field: { line: 1, column: expect.any(Number) } });
    expect(badType.message).toMatch(/unknown model_type 'random_forest'/);

    // A classifier on a number with 10,000 distinct values: the limit is 1000 classes.
    const manyClasses = await refusal(
      `CREATE MODEL ${alice.username}.m1 OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['id'])\nAS SELECT g AS id, g % 7 AS feature FROM generate_series(1, 10000) AS g`,
    );
    expect(manyClasses).toMatchObject({ code: 'BAD_USER_INPUT', field: { line: 1, column: expect.any(Number) } });
    expect(manyClasses.message).toContain('the label "id" has 10,000 distinct values: a classifier may have at most 1,000 classes');
    expect(manyClasses.message).toContain("use model_type = 'linear_reg' or 'dnn_regressor'");

    const textLabel = await refusal(`CREATE MODEL ${alice.username}.m1 OPTIONS (model_type = 'linear_reg', input_label_cols = ['species']) AS SELECT petal, species FROM ${F}`);
    expect(textLabel.message).toMatch(/predicts a number, but the label "species" is text/);
    const dateFeature = await refusal(`CREATE MODEL ${alice.username}.m1 OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species']) AS SELECT species, now() AS seen FROM ${F}`);
    expect(dateFeature.message).toMatch(/column "seen" is timestamp with time zone, which the trainer does not read/);
    const weights = await refusal(
      `CREATE MODEL ${alice.username}.m1 OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species'], class_weights = [STRUCT('iris_z', 2.0)]) AS SELECT petal, species FROM ${F}`,
    );
    expect(weights.message).toMatch(/class_weights names 'iris_z', which is not a value of the label "species"/);
    // Someone who may not read the data gets NOT_FOUND, as for a SELECT.
    const bob = await signUp(hub);
    const privateData = await runSql(`CREATE MODEL ${bob.username}.m2 OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species']) AS SELECT petal, species FROM ${F}`, bob.token);
    expect(codeOf(privateData)).toBe('NOT_FOUND');

    const [{ jobs }] = await hub.sql(`SELECT count(*)::int AS jobs FROM jobs WHERE kind = 'train'`);
    expect(jobs).toBe(0);
    const [{ models }] = await hub.sql(`SELECT count(*)::int AS models FROM models`);
    expect(models).toBe(0);
  });

  it('trains a classifier on an agent: every epoch streamed live, a version with metrics, preprocessing and lineage, and an artifact that predicts raw records', async () => {
    const client = createClient({ url: `${hub.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${alice.token}` } });
    try {
      const statement = `CREATE MODEL ${alice.username}.iris
        OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['species'], hidden_units = [16], epochs = 12,
                 learn_rate = 0.02, early_stop = FALSE)
        AS SELECT petal, sepal, color, species FROM ${alice.username}.flowers`;
      const { jobId, row } = await createModel(statement);
      expect(row).toEqual([jobId, 'queued', `${alice.username}.iris`, 'species', ['petal', 'sepal', 'color'], 600, expect.stringMatching(/^your trusted nodes \(\d+ online\)$/)]);
      const live: any[] = [];
      const epochs = await listeners(hub, 'TRAINING_EPOCH');
      const subscribed = new Promise<void>((resolve, reject) => {
        client.subscribe(
          { query: `subscription($id: ID!) { trainingEpochAdded(jobId: $id) { epoch attempt loss evalLoss metrics } }`, variables: { id: jobId } },
          { next: ({ data, errors }) => (errors ? reject(new Error(JSON.stringify(errors))) : live.push(data!.trainingEpochAdded)), error: reject, complete: () => undefined },
        );
        epochs.listening().then(resolve, reject);
      });
      await subscribed;
      // ML.TRAINING_INFO reads the model while its first training is still queued: no epochs yet.
      const before = await runSql(`SELECT * FROM ML.TRAINING_INFO(MODEL ${alice.username}.iris)`);
      expect(before.data.runSql).toMatchObject({ statement: 'ML_TRAINING_INFO', totalCount: 0, rows: [] });

      await startAgent('trainer-1');
      const job = await waitForJob(hub, alice.token, jobId, (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 90_000);
      expect(job.error).toBeNull();
      expect(job).toMatchObject({ status: 'SUCCEEDED', attempts: 1, result: { versionNumber: 1, epochs: 12, resumedFromEpoch: 0, stoppedEarly: false } });
      await waitFor('every epoch live', async () => live.length >= 12);
      expect(live.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(live.every((e) => e.attempt === 1 && e.loss > 0 && e.evalLoss > 0 && e.metrics.accuracy >= 0 && e.metrics.eval_accuracy >= 0)).toBe(true);

      const v = await version('iris', 1);
      // Quality: the majority class of this data is ~38 %; the classifier must be clearly better.
      const counts = new Map<string, number>();
      for (const f of flowers(600, 1)) counts.set(f.species, (counts.get(f.species) ?? 0) + 1);
      const majority = Math.max(...counts.values()) / 600;
      expect(majority).toBeLessThan(0.45);
      expect(v.metrics.accuracy).toBeGreaterThan(majority + 0.3);
      expect(v.metrics).toEqual(expect.objectContaining({ precision: expect.any(Number), recall: expect.any(Number), f1_score: expect.any(Number), log_loss: expect.any(Number), roc_auc: expect.any(Number) }));
      expect(v.metrics.roc_auc).toBeGreaterThan(0.85);
      // The preprocessing the trainer fitted, stored for prediction from raw records.
      expect(v.signature.labels).toEqual(['iris_a', 'iris_b', 'iris_c']);
      const [petal, sepal, color] = v.signature.features;
      expect(petal).toMatchObject({ name: 'petal', type: 'NUMBER', preprocessing: { kind: 'STANDARDIZE' } });
      expect(Math.abs(petal.preprocessing.mean)).toBeLessThan(0.2);
      expect(petal.preprocessing.std).toBeGreaterThan(0.8);
      expect(sepal).toMatchObject({ name: 'sepal', type: 'NUMBER', preprocessing: { kind: 'STANDARDIZE' } });
      expect(color).toMatchObject({ name: 'color', type: 'CATEGORY', preprocessing: { kind: 'ONE_HOT' } });
      expect([...color.preprocessing.vocabulary].sort()).toEqual(['__missing__', 'blue', 'green', 'red']);
      expect(color.preprocessing.vocabulary.at(-1)).toBe(MISSING_CATEGORY);
      expect(v.signature.inputs[0].shape).toEqual([null, 6]);
      expect(v.signature.outputs[0].shape).toEqual([null, 3]);
      // Lineage recorded by the hub: the dataset version, the statement, the options, the job and node.
      const [node] = await hub.sql(`SELECT id FROM nodes WHERE name = 'trainer-1'`);
      expect(v.lineage).toMatchObject({
        dataset: { owner: alice.username, name: 'flowers', number: 1 },
        datasets: [{ owner: alice.username, name: 'flowers', number: 1 }],
        trainingJobId: jobId,
        nodeId: node.id,
        sql: statement,
        declared: false,
        hyperparameters: expect.objectContaining({ model_type: 'dnn_classifier', hiddenUnits: [16], epochs: 12, learnRate: 0.02, optimizer: 'adam', earlyStop: false }),
      });
      expect(v.trainingCurve.map((e: any) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(v.trainingCurve.at(-1).loss).toBeLessThan(v.trainingCurve[0].loss);
      const run = await hub.graphql(
        `query($id: ID!) { trainingRun(jobId: $id) { modelType task statement label { name type } features { name type } datasets { owner name version }
           hyperparameters rowCount epochsTrained stoppedEarly checkpointEpoch model { owner name versionNumber } job { status } epochs { epoch } } }`,
        { id: jobId },
        alice.token,
      );
      expect(run.errors).toBeUndefined();
      expect(run.data.trainingRun).toMatchObject({
        modelType: 'dnn_classifier',
        task: 'classification',
        statement,
        label: { name: 'species', type: 'category' },
        features: [{ name: 'petal', type: 'number' }, { name: 'sepal', type: 'number' }, { name: 'color', type: 'category' }],
        datasets: [{ owner: alice.username, name: 'flowers', version: 1 }],
        rowCount: 600,
        epochsTrained: 12,
        stoppedEarly: false,
        checkpointEpoch: null,
        model: { owner: alice.username, name: 'iris', versionNumber: 1 },
        job: { status: 'SUCCEEDED' },
      });
      expect(run.data.trainingRun.epochs).toHaveLength(12);
      // Another user sees neither the run nor its epochs.
      const eve = await signUp(hub);
      expect(codeOf(await hub.graphql(`query($id: ID!) { trainingRun(jobId: $id) { task } }`, { id: jobId }, eve.token))).toBe('NOT_FOUND');
      expect(codeOf(await runSql(`SELECT * FROM ML.TRAINING_INFO(MODEL ${alice.username}.iris)`, eve.token))).toBe('NOT_FOUND');

      // ML.TRAINING_INFO reads the same epochs, paged.
      const info = await runSql(`SELECT * FROM ML.TRAINING_INFO(MODEL ${alice.username}.iris@1)`, alice.token, 5);
      expect(info.data.runSql.columns.map((c: any) => c.name)).toEqual(['training_run', 'iteration', 'loss', 'eval_loss', 'learning_rate', 'duration_ms', 'metrics']);
      expect(info.data.runSql.totalCount).toBe(12);
      expect(info.data.runSql.rows.map((r: any[]) => r[1])).toEqual([0, 1, 2, 3, 4]);
      expect(info.data.runSql.rows[0][2]).toBeCloseTo(v.trainingCurve[0].loss, 6);
      const page2 = await runSql(`SELECT * FROM ML.TRAINING_INFO(MODEL ${alice.username}.iris@1)`, alice.token, 5, info.data.runSql.pageInfo.endCursor);
      expect(page2.data.runSql.rows.map((r: any[]) => r[1])).toEqual([5, 6, 7, 8, 9]);

      // The artifact, downloaded and loaded with TF.js, predicts fresh raw records with the stored preprocessing.
      const model = await download('iris', 1);
      const fresh = flowers(300, 99);
      const encoder = new FeatureEncoder(v.signature.features.map(toSpec));
      const x = tf.tensor2d(fresh.flatMap((r) => [...encoder.encodeRecord(r)]), [fresh.length, encoder.width]);
      const predicted = (model.predict(x) as tf.Tensor).argMax(1).arraySync() as number[];
      const accuracy = fresh.filter((r, i) => v.signature.labels[predicted[i]] === r.species).length / fresh.length;
      expect(accuracy).toBeGreaterThan(majority + 0.3);
      model.dispose();
      x.dispose();

      // The checkpoints of a finished run are gone, blobs and all.
      const [{ checkpoints }] = await hub.sql(`SELECT count(*)::int AS checkpoints FROM training_checkpoints`);
      expect(checkpoints).toBe(0);
      // The model is new and private (its data is).
      const m = await hub.graphql(`query($o: String!, $n: String!) { model(owner: $o, name: $n) { visibility task } }`, { o: alice.username, n: 'iris' }, alice.token);
      expect(m.data.model).toEqual({ visibility: 'PRIVATE', task: 'classification' });
      // Without OR REPLACE, an existing model is CONFLICT; with it, a new version trains.
      const again = await runSql(statement);
      expect(codeOf(again)).toBe('CONFLICT');
    } finally {
      await client.dispose();
    }
  }, 150_000);

  it('trains a regressor whose predictions beat the mean by far, on a new version of an existing model with OR REPLACE', async () => {
    const first = await createModel(`CREATE MODEL ${alice.username}.price OPTIONS (model_type = 'linear_reg', input_label_cols = ['price'], epochs = 2, early_stop = FALSE)
      AS SELECT area, rooms, district, price FROM ${alice.username}.houses`);
    await startAgent('trainer-2');
    await waitForJob(hub, alice.token, first.jobId, (j) => j.status === 'SUCCEEDED', 90_000);
    const { jobId } = await createModel(`CREATE OR REPLACE MODEL ${alice.username}.price
      OPTIONS (model_type = 'linear_reg', input_label_cols = ['price'], epochs = 25, learn_rate = 0.1, early_stop = FALSE,
               data_split_method = 'random', data_split_eval_fraction = 0.25)
      AS SELECT area, rooms, district, price FROM ${alice.username}.houses`);
    const job = await waitForJob(hub, alice.token, jobId, (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 90_000);
    expect(job).toMatchObject({ status: 'SUCCEEDED', result: { versionNumber: 2 } });
    const v = await version('price', 2);
    const truth = houses(500, 2).map((h) => h.price);
    const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
    const baselineMae = truth.reduce((a, b) => a + Math.abs(b - mean), 0) / truth.length;
    // The mean predicts with R² = 0 and an error of ~60; the noise alone is 8 (MAE ~6.4).
    expect(v.metrics.r2_score).toBeGreaterThan(0.9);
    expect(v.metrics.mean_absolute_error).toBeLessThan(baselineMae * 0.35);
    expect(v.signature.labels).toEqual([]);
    expect(v.signature.features.map((f: any) => [f.name, f.type, f.preprocessing.kind])).toEqual([
      ['area', 'NUMBER', 'STANDARDIZE'],
      ['rooms', 'INTEGER', 'STANDARDIZE'],
      ['district', 'CATEGORY', 'ONE_HOT'],
    ]);
    expect(v.trainingCurve).toHaveLength(25);
    // Regressor losses are in the label's units (MSE): the last eval loss is far below the label's variance
    // (~3600; the noise alone is 64).
    const variance = truth.reduce((a, b) => a + (b - mean) ** 2, 0) / truth.length;
    expect(v.trainingCurve.at(-1).evalLoss).toBeLessThan(variance * 0.2);

    const model = await download('price', 2);
    const fresh = houses(200, 7);
    const encoder = new FeatureEncoder(v.signature.features.map(toSpec));
    const predicted = (model.predict(tf.tensor2d(fresh.flatMap((r) => [...encoder.encodeRecord(r)]), [fresh.length, encoder.width])) as tf.Tensor).dataSync();
    const mae = fresh.reduce((a, r, i) => a + Math.abs(predicted[i] - r.price), 0) / fresh.length;
    expect(mae).toBeLessThan(baselineMae * 0.35);
    // A record the model never saw the like of: unseen district and a NULL area still predict a number.
    expect(Number.isFinite((model.predict(tf.tensor2d([...encoder.encodeRecord({ area: null, rooms: 3, district: 'west' })], [1, encoder.width])) as tf.Tensor).dataSync()[0])).toBe(true);
    model.dispose();
    // ML.TRAINING_INFO without a version reads the latest run; its training_run counts the runs before it.
    const info = await runSql(`SELECT * FROM ML.TRAINING_INFO(MODEL ${alice.username}.price)`);
    expect(info.data.runSql.rows[0]).toEqual([1, 0, expect.any(Number), expect.anything(), 0.1, expect.any(Number), expect.any(Object)]);
  }, 150_000);

  it("trains model_type 'custom' on a saved architecture from the model editor, with balanced class weights", async () => {
    const spec = { kind: 'sequential', inputShape: [1], layers: [{ type: 'dense', name: 'wide', units: 12, activation: 'tanh' }, { type: 'dropout', rate: 0.1 }, { type: 'dense', name: 'narrow', units: 6, activation: 'relu' }] };
    const saved = await hub.graphql(`mutation($input: CreateArchitectureInput!) { createArchitecture(input: $input) { name } }`, { input: { name: 'small-body', spec } }, alice.token);
    expect(saved.errors).toBeUndefined();
    // A spec whose output is not one flat vector cannot take the trainer's head.
    const conv = { kind: 'sequential', inputShape: [4], layers: [{ type: 'reshape', targetShape: [-1, 1] }] };
    expect((await hub.graphql(`mutation($input: CreateArchitectureInput!) { createArchitecture(input: $input) { name } }`, { input: { name: 'grid-body', spec: conv } }, alice.token)).errors).toBeUndefined();
    const refused = await runSql(`CREATE MODEL ${alice.username}.gridded OPTIONS (model_type = 'custom', model_spec = '${alice.username}/grid-body', input_label_cols = ['species']) AS SELECT petal, sepal, species FROM ${alice.username}.flowers`);
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].message, refused.errors![0].message).toMatch(/model_spec .*grid-body: its last layer must give one flat vector per example/);

    await startAgent('trainer-3');
    const { jobId } = await createModel(`CREATE MODEL ${alice.username}.bespoke
      OPTIONS (model_type = 'custom', model_spec = '${alice.username}/small-body', input_label_cols = ['species'], epochs = 10,
               learn_rate = 0.02, auto_class_weights = TRUE, early_stop = FALSE)
      AS SELECT petal, sepal, color, species FROM ${alice.username}.flowers`);
    const job = await waitForJob(hub, alice.token, jobId, (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 90_000);
    expect(job.error).toBeNull();
    const v = await version('bespoke', 1);
    expect(v.signature.inputs[0].shape).toEqual([null, 6]);
    expect(v.signature.outputs[0].shape).toEqual([null, 3]);
    expect(v.metrics.accuracy).toBeGreaterThan(0.7);
    expect(v.lineage.hyperparameters).toMatchObject({ model_type: 'custom', autoClassWeights: true });
    const model = await download('bespoke', 1);
    expect(model.layers.map((l) => l.name)).toEqual(expect.arrayContaining(['wide', 'narrow', 'output']));
    model.dispose();

    // A functional body: one input (the trainer sets its width), two branches joined, one output.
    const graph = {
      kind: 'functional',
      inputs: [{ name: 'row', shape: [1] }],
      layers: [
        { type: 'dense', name: 'left', inputs: ['row'], units: 8, activation: 'relu' },
        { type: 'dense', name: 'right', inputs: ['row'], units: 4, activation: 'tanh' },
        { type: 'concatenate', name: 'joined', inputs: ['left', 'right'] },
      ],
      outputs: ['joined'],
    };
    const two = {
      ...graph,
      inputs: [{ name: 'row', shape: [1] }, { name: 'extra', shape: [2] }],
      layers: [graph.layers[0], { ...graph.layers[1], inputs: ['extra'] }, graph.layers[2]],
    };
    for (const [name, body] of [['branches', graph], ['two-inputs', two]] as const) {
      const res = await hub.graphql(`mutation($input: CreateArchitectureInput!) { createArchitecture(input: $input) { name } }`, { input: { name, spec: body } }, alice.token);
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    }
    const twoInputs = await runSql(`CREATE MODEL ${alice.username}.forked OPTIONS (model_type = 'custom', model_spec = '${alice.username}/two-inputs', input_label_cols = ['species']) AS SELECT petal, sepal, species FROM ${alice.username}.flowers`);
    expect(twoInputs.errors![0].message).toMatch(/two-inputs: a functional spec must have exactly one input/);
    const branched = await createModel(`CREATE MODEL ${alice.username}.branched
      OPTIONS (model_type = 'custom', model_spec = '${alice.username}/branches', input_label_cols = ['species'], epochs = 8, learn_rate = 0.02, early_stop = FALSE)
      AS SELECT petal, sepal, color, species FROM ${alice.username}.flowers`);
    const branchedJob = await waitForJob(hub, alice.token, branched.jobId, (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 90_000);
    expect(branchedJob.error).toBeNull();
    const b = await version('branched', 1);
    expect(b.signature.inputs[0].shape).toEqual([null, 6]);
    expect(b.metrics.accuracy).toBeGreaterThan(0.6);
  }, 180_000);

  it('resumes on another agent from the last checkpoint when the first agent dies mid-training', async () => {
    const epochs = 30;
    const first = await startAgent('doomed');
    const { jobId } = await createModel(`CREATE MODEL ${alice.username}.resilient
      OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species'], epochs = ${epochs}, batch_size = 8, early_stop = FALSE)
      AS SELECT petal, sepal, color, species FROM ${alice.username}.flowers`);
    const [run] = await hub.sql(`SELECT id FROM training_runs WHERE job_id = $1`, [jobId]);
    const checkpointed = await waitFor('a checkpoint', async () => {
      const [row] = await hub.sql(`SELECT max(epoch)::int AS epoch FROM training_checkpoints WHERE run_id = $1`, [run.id]);
      return row.epoch ?? undefined;
    }, 60_000);
    const blobs: { state_sha256: string; weights_sha256: string }[] = await hub.sql(`SELECT state_sha256, weights_sha256 FROM training_checkpoints WHERE run_id = $1`, [run.id]);
    const blobFiles = blobs.flatMap((b) => [b.state_sha256, b.weights_sha256]).map((sha) => path.join(hub.dataDir, 'artifacts', sha.slice(0, 2), sha.slice(2, 4), sha));
    expect(blobFiles.every((file) => existsSync(file))).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;
    const [{ reached }] = await hub.sql(`SELECT max(epoch)::int AS reached FROM training_epochs WHERE run_id = $1`, [run.id]);
    expect(reached).toBeLessThan(epochs);

    await startAgent('rescuer');
    const job = await waitForJob(hub, alice.token, jobId, (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 120_000);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.history.map((a: any) => [a.nodeName, a.outcome])).toEqual([
      ['doomed', 'lost'],
      ['rescuer', 'succeeded'],
    ]);
    expect(job.result.resumedFromEpoch).toBeGreaterThanOrEqual(checkpointed);
    const epochsRun = await hub.sql(`SELECT attempt, count(*)::int AS n, min(epoch)::int AS first FROM training_epochs WHERE run_id = $1 GROUP BY attempt ORDER BY attempt`, [run.id]);
    // The second attempt began after the checkpoint, not at epoch 1, so fewer than twice the epochs ran in all.
    expect(epochsRun[1]).toMatchObject({ attempt: 2, first: job.result.resumedFromEpoch + 1 });
    expect(epochsRun[1].first).toBeGreaterThan(1);
    expect(epochsRun[0].n + epochsRun[1].n).toBeLessThan(2 * epochs);
    expect(epochsRun[1].n).toBe(epochs - job.result.resumedFromEpoch);
    const v = await version('resilient', 1);
    expect(v.trainingCurve.map((e: any) => e.epoch)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
    expect(v.metrics.accuracy).toBeGreaterThan(0.7);
    const [rescuer] = await hub.sql(`SELECT id FROM nodes WHERE name = 'rescuer'`);
    expect(v.lineage.nodeId).toBe(rescuer.id);
    // Once the version is made, nobody resumes: the checkpoints and their blobs are gone.
    expect(await hub.sql(`SELECT 1 FROM training_checkpoints WHERE run_id = $1`, [run.id])).toEqual([]);
    expect(blobFiles.some((file) => existsSync(file))).toBe(false);
  }, 180_000);

  it('stops training when the job is canceled: no more epochs, no version', async () => {
    const agent = await startAgent('cancel-me');
    const { jobId } = await createModel(`CREATE MODEL ${alice.username}.halted
      OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species'], epochs = 200, batch_size = 4, early_stop = FALSE)
      AS SELECT petal, sepal, color, species FROM ${alice.username}.flowers`);
    const [run] = await hub.sql(`SELECT id FROM training_runs WHERE job_id = $1`, [jobId]);
    await waitFor('training under way', async () => (await hub.sql(`SELECT 1 FROM training_epochs WHERE run_id = $1`, [run.id])).length > 0, 60_000);
    // ML.TRAINING_INFO reads the epochs while the job still runs.
    const during = await runSql(`SELECT * FROM ML.TRAINING_INFO(MODEL ${alice.username}.halted)`);
    expect(during.data.runSql.totalCount).toBeGreaterThanOrEqual(1);
    expect(during.data.runSql.rows[0].slice(0, 2)).toEqual([0, 0]);
    const canceled = await hub.graphql(`mutation($id: ID!) { cancelJob(id: $id) { status } }`, { id: jobId }, alice.token);
    expect(canceled.data.cancelJob.status).toBe('CANCELED');
    await agent.waitFor(/job canceled by the hub/);
    await new Promise((r) => setTimeout(r, 1500));
    const [{ n }] = await hub.sql(`SELECT count(*)::int AS n FROM training_epochs WHERE run_id = $1`, [run.id]);
    await new Promise((r) => setTimeout(r, 1500));
    const [{ n: later }] = await hub.sql(`SELECT count(*)::int AS n FROM training_epochs WHERE run_id = $1`, [run.id]);
    expect(later).toBe(n);
    expect(n).toBeLessThan(200);
    expect((await getJob(hub, alice.token, jobId)).status).toBe('CANCELED');
    const [{ versions }] = await hub.sql(`SELECT count(*)::int AS versions FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = 'halted'`);
    expect(versions).toBe(0);
  }, 120_000);
});
