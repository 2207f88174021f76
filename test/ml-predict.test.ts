/**
 * ML.PREDICT and ML.EVALUATE by SQL, end to end on real PostgreSQL with a real agent process:
 * a classifier and a regressor trained with CREATE MODEL predict fresh rows as `predict` jobs on
 * the agent; the rows come back with the input columns and BigQuery ML's predicted_<label>
 * (and _probs) columns, equal to what the downloaded artifact predicts with TF.js in this test
 * using the stored preprocessing; ML.EVALUATE's metrics equal this test's own computation from
 * those predictions; and statements that cannot run are refused before any job starts.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureEncoder } from '../schema/index.js';
import { buildModel, createModel as createCatalogModel, tfReady, uploadFiles } from './catalog-support.js';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, waitFor, waitForJob } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { connectRawAgent } from './support/raw-agent.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { csv, flowers as flowersWithNulls, houses, toSpec } from './support/synthetic-data.js';

/** 5 % of sepals and colours NULL. */
const flowers = (n: number, seed: number) => flowersWithNulls(n, seed, 0.05);
import { codeOf, signUp, type SignedUp } from './support/users.js';


/** Area under the ROC curve by ranks (ties share their mean rank). */
function rocAuc(scores: number[], positive: boolean[]): number {
  const order = scores.map((s, i) => ({ s, p: positive[i] })).sort((a, b) => a.s - b.s);
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j].s === order[i].s) j++;
    for (let t = i; t < j; t++) if (order[t].p) (rankSum += (i + 1 + j) / 2), pos++;
    i = j;
  }
  const neg = order.length - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

describe('ML.PREDICT and ML.EVALUATE by SQL (predict jobs on agents)', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let agent: AgentProcess;
  const evalFlowers = flowers(230, 7);
  const evalHouses = houses(120, 8);

  const runSql = (query: string, token = alice.token, first?: number, after?: string) =>
    hub.graphql(
      `mutation($query: String!, $first: Int, $after: String) { runSql(query: $query, first: $first, after: $after) { statement columns { name type } rows totalCount pageInfo { hasNextPage endCursor } } }`,
      { query, first, after },
      token,
    );

  /** Every row of an ML.PREDICT, page by page through runSql's cursors. */
  async function predictAll(query: string): Promise<{ columns: string[]; rows: unknown[][]; totalCount: number }> {
    const rows: unknown[][] = [];
    let after: string | undefined;
    let columns: string[] = [];
    let totalCount = 0;
    for (;;) {
      const res = await runSql(query, alice.token, 100, after);
      expect(res.errors, query).toBeUndefined();
      const page = res.data.runSql;
      expect(page.statement).toBe('ML_PREDICT');
      columns = page.columns.map((c: { name: string }) => c.name);
      totalCount = page.totalCount;
      rows.push(...page.rows);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    return { columns, rows, totalCount };
  }

  async function version(model: string, number: number) {
    const res = await hub.graphql(
      `query($o: String!, $n: String!, $v: Int!) { modelVersion(owner: $o, name: $n, number: $v) { metrics signature { features { name type preprocessing { kind mean std vocabulary } } labels } } }`,
      { o: alice.username, n: model, v: number },
      alice.token,
    );
    expect(res.errors).toBeUndefined();
    return res.data.modelVersion;
  }

  /** The artifact as a user downloads it, predicting `records` with the stored preprocessing. */
  async function localPredict(model: string, records: Record<string, unknown>[]): Promise<{ outputs: number[][]; labels: string[] }> {
    await tfReady();
    const v = await version(model, 1);
    const loaded = await tf.loadLayersModel(`${hub.url}/api/models/${alice.username}/${model}/versions/1/model.json`, {
      requestInit: { headers: { authorization: `Bearer ${alice.token}` } },
    });
    const encoder = new FeatureEncoder(v.signature.features.map(toSpec));
    const x = tf.tensor2d(records.flatMap((r) => [...encoder.encodeRecord(r)]), [records.length, encoder.width]);
    const y = loaded.predict(x) as tf.Tensor;
    const outputs = y.arraySync() as number[][];
    tf.dispose([x, y]);
    loaded.dispose();
    return { outputs, labels: v.signature.labels };
  }

  const predictJobs = async () => Number((await hub.sql(`SELECT count(*)::int AS n FROM jobs WHERE kind = 'predict'`))[0].n);

  beforeAll(async () => {
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_TRAIN_CHUNK_ROWS: '100', AIMASS_ML_WAIT_MS: '10000' } });
    alice = await signUp(hub);
    for (const [name, rows] of [
      ['flowers', flowers(500, 1)],
      ['flowers_eval', evalFlowers],
      ['houses', houses(400, 2)],
      ['houses_eval', evalHouses],
    ] as const) {
      await createDataset(hub, alice.token, { name, visibility: 'PRIVATE' });
      expect((await upload(hub, alice.token, alice.username, name, csv(rows as Record<string, unknown>[]))).status).toBe(201);
    }
    const node = await registerNode(hub, alice.token, 'predictor');
    agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'predictor']);
    await agent.waitFor(/connected to hub/);
    const jobs: string[] = [];
    for (const statement of [
      `CREATE MODEL ${alice.username}.iris OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['species'], hidden_units = [12], epochs = 15, learn_rate = 0.03, early_stop = FALSE)
         AS SELECT petal, sepal, color, species FROM ${alice.username}.flowers`,
      `CREATE MODEL ${alice.username}.price OPTIONS (model_type = 'linear_reg', input_label_cols = ['price'], epochs = 30, learn_rate = 0.1, early_stop = FALSE)
         AS SELECT area, rooms, district, price FROM ${alice.username}.houses`,
    ]) {
      const res = await runSql(statement);
      expect(res.errors).toBeUndefined();
      jobs.push(res.data.runSql.rows[0][0]);
    }
    for (const id of jobs) expect((await waitForJob(hub, alice.token, id, (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 120_000)).status).toBe('SUCCEEDED');
  }, 180_000);
  afterAll(async () => {
    await agent?.stop();
    await hub?.close();
  });

  it('predicts a classifier’s classes and probabilities: the input columns plus predicted_<label>(_probs), equal to the downloaded artifact’s', async () => {
    const query = `SELECT * FROM ML.PREDICT(MODEL ${alice.username}.iris@1, (SELECT petal, sepal, color, species FROM ${alice.username}.flowers_eval))`;
    const before = await predictJobs();
    const { columns, rows, totalCount } = await predictAll(query);
    expect(columns).toEqual(['petal', 'sepal', 'color', 'species', 'predicted_species', 'predicted_species_probs']);
    expect(totalCount).toBe(evalFlowers.length);
    expect(rows).toHaveLength(evalFlowers.length);
    // One job ran: the later pages read its stored rows.
    expect(await predictJobs()).toBe(before + 1);
    // The input columns as the dataset holds them, in order.
    expect(rows.map((r) => r.slice(0, 4))).toEqual(evalFlowers.map((f) => [f.petal, f.sepal, f.color, f.species]));

    const local = await localPredict('iris', evalFlowers);
    expect(local.labels).toEqual(['iris_a', 'iris_b', 'iris_c']);
    rows.forEach((row, i) => {
      const probs = row[5] as { label: string; prob: number }[];
      expect(probs.map((p) => p.label)).toEqual(local.labels);
      probs.forEach((p, k) => expect(p.prob).toBeCloseTo(local.outputs[i][k], 5));
      const best = local.outputs[i].indexOf(Math.max(...local.outputs[i]));
      expect(row[4]).toBe(local.labels[best]);
    });
    // The model is useful: clearly better than the majority class (~40 %) on fresh rows.
    const correct = rows.filter((r) => r[4] === r[3]).length / rows.length;
    expect(correct).toBeGreaterThan(0.75);

    // A latest-version reference and SELECT * work too; a model version by alias as well.
    await hub.graphql(`mutation($o: String!) { setModelAlias(owner: $o, name: "iris", alias: "prod", number: 1) { number } }`, { o: alice.username }, alice.token);
    const byAlias = await runSql(`SELECT * FROM ML.PREDICT(MODEL ${alice.username}.iris@prod, (SELECT * FROM ${alice.username}.flowers_eval WHERE petal > 1))`, alice.token, 1000);
    expect(byAlias.errors).toBeUndefined();
    const expected = evalFlowers.filter((f) => f.petal > 1).length;
    expect(byAlias.data.runSql.totalCount).toBe(expected);
    expect(byAlias.data.runSql.rows.every((r: unknown[]) => r[0] as number > 1 && typeof r[4] === 'string')).toBe(true);
  }, 60_000);

  it('evaluates a classifier on fresh rows: BigQuery ML’s metrics, equal to this test’s computation; without a query, the training metrics', async () => {
    const res = await runSql(`SELECT * FROM ML.EVALUATE(MODEL ${alice.username}.iris, (SELECT * FROM ${alice.username}.flowers_eval))`);
    expect(res.errors).toBeUndefined();
    const { statement, columns, rows, totalCount } = res.data.runSql;
    expect(statement).toBe('ML_EVALUATE');
    expect(columns.map((c: { name: string }) => c.name)).toEqual(['precision', 'recall', 'accuracy', 'f1_score', 'log_loss', 'roc_auc']);
    expect(totalCount).toBe(1);
    const got = Object.fromEntries(columns.map((c: { name: string }, i: number) => [c.name, rows[0][i]]));

    const { outputs, labels } = await localPredict('iris', evalFlowers);
    const truth = evalFlowers.map((f) => labels.indexOf(f.species));
    const predicted = outputs.map((o) => o.indexOf(Math.max(...o)));
    const n = truth.length;
    const k = labels.length;
    let precision = 0;
    let recall = 0;
    let f1 = 0;
    for (let c = 0; c < k; c++) {
      const tp = predicted.filter((p, i) => p === c && truth[i] === c).length;
      const fp = predicted.filter((p, i) => p === c && truth[i] !== c).length;
      const fn = predicted.filter((p, i) => p !== c && truth[i] === c).length;
      const p = tp + fp ? tp / (tp + fp) : 0;
      const r = tp + fn ? tp / (tp + fn) : 0;
      precision += p / k;
      recall += r / k;
      f1 += (p + r ? (2 * p * r) / (p + r) : 0) / k;
    }
    const accuracy = predicted.filter((p, i) => p === truth[i]).length / n;
    const logLoss = -truth.reduce((s, t, i) => s + Math.log(Math.max(1e-15, outputs[i][t])), 0) / n;
    const auc = labels.reduce((s, _, c) => s + rocAuc(outputs.map((o) => o[c]), truth.map((t) => t === c)), 0) / k;
    expect(got.accuracy).toBeCloseTo(accuracy, 6);
    expect(got.precision).toBeCloseTo(precision, 6);
    expect(got.recall).toBeCloseTo(recall, 6);
    expect(got.f1_score).toBeCloseTo(f1, 6);
    expect(got.log_loss).toBeCloseTo(logLoss, 4);
    expect(got.roc_auc).toBeCloseTo(auc, 4);
    // Sensible: far better than chance on rows it never saw.
    expect(got.accuracy).toBeGreaterThan(0.75);
    expect(got.roc_auc).toBeGreaterThan(0.9);
    expect(got.log_loss).toBeLessThan(Math.log(3));

    const recorded = await runSql(`SELECT * FROM ML.EVALUATE(MODEL ${alice.username}.iris@1)`);
    expect(recorded.errors).toBeUndefined();
    const v = await version('iris', 1);
    expect(recorded.data.runSql.rows).toEqual([['precision', 'recall', 'accuracy', 'f1_score', 'log_loss', 'roc_auc'].map((m) => v.metrics[m])]);
  }, 60_000);

  it('predicts and evaluates a regressor: predicted_<label> equal to the artifact’s, MAE / MSE / RMSE / R² equal to this test’s computation', async () => {
    const { columns, rows, totalCount } = await predictAll(`SELECT * FROM ML.PREDICT(MODEL ${alice.username}.price, (SELECT area, rooms, district FROM ${alice.username}.houses_eval))`);
    expect(columns).toEqual(['area', 'rooms', 'district', 'predicted_price']);
    expect(totalCount).toBe(evalHouses.length);
    const { outputs } = await localPredict('price', evalHouses);
    rows.forEach((row, i) => {
      expect(row.slice(0, 3)).toEqual([evalHouses[i].area, evalHouses[i].rooms, evalHouses[i].district]);
      expect(row[3] as number).toBeCloseTo(outputs[i][0], 3);
    });

    const res = await runSql(`SELECT * FROM ML.EVALUATE(MODEL ${alice.username}.price, (SELECT area, rooms, district, price FROM ${alice.username}.houses_eval))`);
    expect(res.errors).toBeUndefined();
    const names = res.data.runSql.columns.map((c: { name: string }) => c.name);
    expect(names).toEqual(['mean_absolute_error', 'mean_squared_error', 'root_mean_squared_error', 'median_absolute_error', 'r2_score']);
    const got = Object.fromEntries(names.map((name: string, i: number) => [name, res.data.runSql.rows[0][i]]));
    const truth = evalHouses.map((h) => h.price);
    const errors = truth.map((t, i) => outputs[i][0] - t);
    const mae = errors.reduce((s, e) => s + Math.abs(e), 0) / truth.length;
    const mse = errors.reduce((s, e) => s + e * e, 0) / truth.length;
    const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
    const r2 = 1 - mse / (truth.reduce((s, t) => s + (t - mean) ** 2, 0) / truth.length);
    expect(got.mean_absolute_error).toBeCloseTo(mae, 2);
    expect(got.mean_squared_error / mse).toBeCloseTo(1, 4);
    expect(got.root_mean_squared_error).toBeCloseTo(Math.sqrt(mse), 2);
    expect(got.r2_score).toBeCloseTo(r2, 4);
    // Sensible: the mean would score R² = 0; the noise alone leaves an MAE of ~6.4.
    expect(got.r2_score).toBeGreaterThan(0.9);
    expect(got.mean_absolute_error).toBeLessThan(15);
  }, 60_000);

  it('refuses, before any job starts: a missing feature or label column (located), a private model (NOT_FOUND), a bad model reference, a model that is not trained', async () => {
    const before = await predictJobs();
    const refusal = async (query: string, token = alice.token) => {
      const res = await runSql(query, token);
      expect(res.errors, query).toBeDefined();
      return { code: codeOf(res), message: res.errors![0].message, field: (res.errors![0].extensions!.fields as any[])?.[0] };
    };
    const inner = `(SELECT petal, sepal FROM ${alice.username}.flowers_eval)`;
    const prefix = `SELECT * FROM ML.PREDICT(MODEL ${alice.username}.iris,\n  `;
    const missing = await refusal(`${prefix}${inner})`);
    expect(missing).toMatchObject({ code: 'BAD_USER_INPUT', field: { line: 2, column: 4 } });
    expect(missing.message).toContain(`the SELECT must return the model's feature column "color" (the model reads petal, sepal, color; the SELECT returns petal, sepal)`);
    const noLabel = await refusal(`SELECT * FROM ML.EVALUATE(MODEL ${alice.username}.iris, (SELECT petal, sepal, color FROM ${alice.username}.flowers_eval))`);
    expect(noLabel.code).toBe('BAD_USER_INPUT');
    expect(noLabel.message).toContain('ML.EVALUATE needs the label column "species" in the SELECT');
    const noColumn = await refusal(`SELECT * FROM ML.PREDICT(MODEL ${alice.username}.iris, (SELECT petal, sepal, colour FROM ${alice.username}.flowers_eval))`);
    expect(noColumn.message).toMatch(/column "colour" does not exist/);

    // Bob may read neither the model nor its data: NOT_FOUND, as for a missing model.
    const bob = await signUp(hub);
    const theirs = await refusal(`SELECT * FROM ML.PREDICT(MODEL ${alice.username}.iris, (SELECT 1.0 AS petal, 2.0 AS sepal, 'red' AS color))`, bob.token);
    expect(theirs.code).toBe('NOT_FOUND');
    expect(theirs.message).toContain(`model ${alice.username}.iris not found`);
    expect((await refusal(`SELECT * FROM ML.EVALUATE(MODEL ${alice.username}.iris)`, bob.token)).code).toBe('NOT_FOUND');
    expect((await refusal(`SELECT * FROM ML.PREDICT(MODEL ${alice.username}.nothing, ${inner})`)).code).toBe('NOT_FOUND');
    const noVersion = await refusal(`SELECT * FROM ML.PREDICT(MODEL ${alice.username}.iris@9, ${inner})`);
    expect(noVersion).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(`has no such version`) });
    const badRef = await refusal(`SELECT * FROM ML.PREDICT(MODEL iris, ${inner})`);
    expect(badRef.code).toBe('BAD_USER_INPUT');
    expect(badRef.message).toMatch(/expected a model name like owner\.model/);
    const noInput = await refusal(`SELECT * FROM ML.PREDICT(MODEL ${alice.username}.iris)`);
    expect(noInput.message).toContain('ML.PREDICT needs the rows to predict');

    // An uploaded model without features has no preprocessing to apply.
    await createCatalogModel(hub, alice.token, { owner: alice.username, name: 'plain', task: 'classification' });
    const { files } = await buildModel();
    expect((await uploadFiles(hub, alice.token, alice.username, 'plain', files)).status).toBe(201);
    const plain = await refusal(`SELECT * FROM ML.PREDICT(MODEL ${alice.username}.plain, (SELECT 1 AS a, 2 AS b, 3 AS c))`);
    expect(plain.code).toBe('BAD_USER_INPUT');
    expect(plain.message).toContain(`model ${alice.username}.plain@1 is not a trained model ML.PREDICT can run: its signature names no features`);

    expect(await predictJobs()).toBe(before);
  }, 60_000);

  it('answers the job when it takes longer than AIMASS_ML_WAIT_MS; sqlJobResult pages its rows once it finished', async () => {
    await agent.stop();
    const started = Date.now();
    const res = await runSql(`SELECT * FROM ML.PREDICT(MODEL ${alice.username}.price, (SELECT * FROM ${alice.username}.houses_eval))`);
    expect(res.errors).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
    expect(res.data.runSql.columns.map((c: { name: string }) => c.name)).toEqual(['job_id', 'status', 'model', 'rows', 'error']);
    const [jobId, status, model, count] = res.data.runSql.rows[0];
    expect([status, model, count]).toEqual(['queued', `${alice.username}.price@1`, evalHouses.length]);

    const result = (id: string, token = alice.token, after?: string) =>
      hub.graphql(`query($id: ID!, $after: String) { sqlJobResult(jobId: $id, first: 50, after: $after) { statement columns { name } rows totalCount pageInfo { hasNextPage endCursor } } }`, { id, after }, token);
    expect((await result(jobId)).data.sqlJobResult.rows[0][1]).toBe('queued');
    const eve = await signUp(hub);
    expect(codeOf(await result(jobId, eve.token))).toBe('NOT_FOUND');
    // REST: the same, as GET /api/sql/jobs/:id.
    const rest = (token = alice.token, query = '') => fetch(`${hub.url}/api/sql/jobs/${jobId}${query}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await (await rest()).json()).rows[0].slice(0, 2)).toEqual([jobId, 'queued']);
    expect((await rest(eve.token)).status).toBe(404);

    const node = await registerNode(hub, alice.token, 'predictor-2');
    agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'predictor-2']);
    await waitForJob(hub, alice.token, jobId, (j) => j.status === 'SUCCEEDED', 60_000);
    const first = (await result(jobId)).data.sqlJobResult;
    expect(first.statement).toBe('ML_PREDICT');
    expect(first.columns.map((c: { name: string }) => c.name)).toEqual(['area', 'rooms', 'district', 'price', 'predicted_price']);
    expect(first.totalCount).toBe(evalHouses.length);
    const all = [...first.rows];
    let page = first;
    while (page.pageInfo.hasNextPage) {
      page = (await result(jobId, alice.token, page.pageInfo.endCursor)).data.sqlJobResult;
      all.push(...page.rows);
    }
    expect(all.map((r: unknown[]) => r[3])).toEqual(evalHouses.map((h) => h.price));
    const restPage = await (await rest(alice.token, '?first=50')).json();
    expect(restPage).toMatchObject({ statement: 'ML_PREDICT', totalCount: evalHouses.length, rows: first.rows, pageInfo: { hasNextPage: true, endCursor: first.pageInfo.endCursor } });
    expect((await rest(alice.token, '?after=bogus')).status).toBe(400);
    expect(all.every((r: unknown[]) => typeof r[4] === 'number')).toBe(true);
  }, 90_000);
  it('believes nothing a predict agent says without checking it: only its own job, rows before outputs, the right widths, every row predicted', async () => {
    await agent.stop();
    const node = await registerNode(hub, alice.token, 'liar');
    const { socket, received } = await connectRawAgent(hub, node.token);
    try {
      // runSql waits (AIMASS_ML_WAIT_MS) while this agent holds the job.
      const answer = runSql(`SELECT * FROM ML.PREDICT(MODEL ${alice.username}.price, (SELECT area, rooms, district FROM ${alice.username}.houses_eval))`);
      const assign = await waitFor('assign', async () => received.find((m) => m.type === 'job.assign' && m.kind === 'predict'));
      const jobId: string = assign.jobId;
      expect(assign.payload).toMatchObject({ task: 'regression', model: `${alice.username}.price@1`, rowCount: evalHouses.length, labels: [] });
      expect(JSON.stringify(assign.payload)).not.toMatch(/ds_|SELECT/); // never the internal SQL
      const call = (p: string, init: RequestInit = {}, token = assign.jobToken) =>
        fetch(`${hub.url}/api/jobs/${jobId}${p}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
      const outputs = (offset: number, values: unknown[]) =>
        call('/ml/predictions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offset, outputs: values }) });

      expect((await call('/ml/rows', {}, alice.token)).status).toBe(404);
      expect((await call('/rows')).status).toBe(404); // the training door does not open a predict job
      expect((await call('/ml/file?path=model.json')).status).toBe(200);
      expect((await call('/ml/file?path=../../etc/passwd')).status).toBe(404);
      const early = await outputs(0, [[1]]);
      expect(early.status).toBe(400);
      expect((await early.json()).error.message).toMatch(/read rows before predicting them/);

      const chunk = await (await call('/ml/rows?offset=0&limit=100000')).json();
      expect(chunk.columns).toEqual(['area', 'rooms', 'district']);
      expect(chunk.rows).toHaveLength(100); // AIMASS_TRAIN_CHUNK_ROWS caps a chunk
      const wide = await outputs(0, [[1, 2]]);
      expect((await wide.json()).error.message).toMatch(/must have 1 value/);
      expect((await outputs(0, [['high']])).status).toBe(400);
      expect((await outputs(119, [[1], [2]])).status).toBe(400);
      expect((await outputs(0, chunk.rows.map(() => [42]))).status).toBe(200);

      // Success after 100 of the 120 rows: the hub refuses it and the attempt fails.
      socket.send(JSON.stringify({ type: 'job.started', jobId, attempt: assign.attempt }));
      socket.send(JSON.stringify({ type: 'job.succeeded', jobId, attempt: assign.attempt, result: { rows: evalHouses.length } }));
      const failed = await waitForJob(hub, alice.token, jobId, (j) => j.failures === 1);
      expect(failed.history[0]).toMatchObject({ outcome: 'failed', reason: expect.stringContaining(`the hub holds predictions for 100 of the ${evalHouses.length} rows`) });
      await hub.graphql(`mutation($id: ID!) { cancelJob(id: $id) { status } }`, { id: jobId }, alice.token);
      const res = await answer;
      expect(codeOf(res) ?? res.data.runSql.rows[0][1]).toMatch(/BAD_USER_INPUT|queued|running|leased|canceled/);
    } finally {
      socket.close();
    }
  }, 60_000);
});
