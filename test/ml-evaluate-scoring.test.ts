/**
 * ML.EVALUATE is scored by the hub, never by the agent: on a real hub and real PostgreSQL, a raw
 * agent (test/support/raw-agent.ts: it sends whatever this test writes) is served the model's
 * feature columns and no label; the metrics the user reads equal this test's own computation over
 * the outputs the agent returned and the true labels (whatever the agent claims); and outputs of
 * the wrong shape — a vector too short, or with a probability for a class the model does not have,
 * a missing (NaN) number, probabilities that do not sum to 1 — fail the attempt with a clear
 * reason instead of being scored. (The real agent's ML.EVALUATE: test/ml-predict.test.ts.)
 */
import * as ss from 'simple-statistics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel, uploadFiles } from './catalog-support.js';
import { FAST_SCHEDULER, registerNode, waitFor, waitForJob } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { connectRawAgent, type RawAgent } from './support/raw-agent.js';
import { predictDoor } from './support/predict-door.js';
import { denseModelFiles } from './support/tf-model.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const CLASSES = ['setosa', 'versicolor', 'virginica'];
const CHUNK_ROWS = 40;

/** Rows with small whole-number features (tied scores) and labels unlike any feature value. */
function flowerRows(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    a: (i * 7) % 10,
    b: (i * 3) % 10,
    c: (i * 5 + 2) % 10,
    // Every 11th label NULL, every 13th a class the model does not have: neither is scored.
    species: i % 11 === 5 ? '' : i % 13 === 6 ? 'martian' : CLASSES[(i + (i % 4 === 0 ? 1 : 0)) % 3],
    note: `row-${i}`,
  }));
}
function houseRows(n: number) {
  return Array.from({ length: n }, (_, i) => ({ a: i % 9, b: (i * 4) % 7, c: (i * 2) % 5, label: 5000 + (i % 9) * 3 + ((i * 4) % 7) + ((i * 37) % 11) * 0.25 }));
}
const csv = (rows: Record<string, unknown>[]) => [Object.keys(rows[0]).join(','), ...rows.map((r) => Object.values(r).join(','))].join('\n') + '\n';

/** What this test's "agent" predicts: a softmax of the features (a classifier) or a plane (a regressor). */
function classOutputs(row: unknown[]): number[] {
  const z = row.map((v) => Number(v) * 0.4);
  const e = z.map((x) => Math.exp(x));
  const sum = e.reduce((s, x) => s + x, 0);
  return e.map((x) => x / sum);
}
const valueOutput = (row: unknown[]) => [5000 + Number(row[0]) * 3 + Number(row[1])];

// ---- The reference, plain and by definition (docs/evaluation.md). ----

function pairwiseAuc(scores: number[], positive: boolean[]): number | null {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!positive[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (positive[j]) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return pairs ? wins / pairs : null;
}

function referenceClassification(truth: string[], probs: number[][]) {
  const predicted = probs.map((p) => CLASSES[p.indexOf(Math.max(...p))]);
  const occurring = CLASSES.filter((c) => truth.includes(c) || predicted.includes(c));
  const per = occurring.map((c) => {
    const tp = truth.filter((t, i) => t === c && predicted[i] === c).length;
    const p = predicted.filter((x) => x === c).length ? tp / predicted.filter((x) => x === c).length : 0;
    const r = truth.filter((t) => t === c).length ? tp / truth.filter((t) => t === c).length : 0;
    return { p, r, f: p + r ? (2 * p * r) / (p + r) : 0 };
  });
  const aucs = CLASSES.map((c, k) => pairwiseAuc(probs.map((p) => p[k]), truth.map((t) => t === c))).filter((a): a is number => a !== null);
  return {
    precision: ss.mean(per.map((x) => x.p)),
    recall: ss.mean(per.map((x) => x.r)),
    accuracy: truth.filter((t, i) => t === predicted[i]).length / truth.length,
    f1_score: ss.mean(per.map((x) => x.f)),
    log_loss: ss.mean(truth.map((t, i) => -Math.log(Math.min(1 - 1e-15, Math.max(1e-15, probs[i][CLASSES.indexOf(t)]))))),
    roc_auc: ss.mean(aucs),
  };
}

function referenceRegression(truth: number[], predicted: number[]) {
  const abs = truth.map((t, i) => Math.abs(predicted[i] - t));
  const mse = ss.mean(truth.map((t, i) => (predicted[i] - t) ** 2));
  return {
    mean_absolute_error: ss.mean(abs),
    mean_squared_error: mse,
    root_mean_squared_error: Math.sqrt(mse),
    median_absolute_error: ss.median(abs),
    r2_score: 1 - (mse * truth.length) / ss.sum(truth.map((t) => (t - ss.mean(truth)) ** 2)),
  };
}

describe('ML.EVALUATE scored by the hub (a raw agent)', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let agent: RawAgent;
  const flowers = flowerRows(90);
  const houses = houseRows(70);

  const runSql = (query: string) =>
    hub.graphql(`mutation($query: String!) { runSql(query: $query) { statement columns { name } rows } }`, { query }, alice.token);

  /** The agent's next job.assign (of any job after `seen` assignments). */
  async function nextAssign(seen: number): Promise<any> {
    return waitFor('job.assign', async () => agent.received.filter((m) => m.type === 'job.assign' && m.kind === 'predict')[seen], 30_000);
  }

  function door(assign: any) {
    return {
      ...predictDoor(hub.url, assign, CHUNK_ROWS),
      report(result: unknown) {
        agent.socket.send(JSON.stringify({ type: 'job.started', jobId: assign.jobId, attempt: assign.attempt }));
        agent.socket.send(JSON.stringify({ type: 'job.succeeded', jobId: assign.jobId, attempt: assign.attempt, result }));
      },
    };
  }

  beforeAll(async () => {
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_TRAIN_CHUNK_ROWS: String(CHUNK_ROWS), AIMASS_ML_WAIT_MS: '60000' } });
    alice = await signUp(hub);
    for (const [name, rows] of [['petals', flowers], ['houses', houses]] as const) {
      await createDataset(hub, alice.token, { name, visibility: 'PRIVATE' });
      expect((await upload(hub, alice.token, alice.username, name, csv(rows))).status).toBe(201);
    }
    const standardized = (name: string) => ({ name, type: 'NUMBER', preprocessing: { kind: 'STANDARDIZE', mean: 4.5, std: 2.9 } });
    for (const [name, files, metadata] of [
      ['iris3', await denseModelFiles(3, 'softmax'), { features: ['a', 'b', 'c'].map(standardized), labels: CLASSES, lineage: { hyperparameters: { label: 'species' } } }],
      ['price', await denseModelFiles(1, 'linear'), { features: ['a', 'b', 'c'].map(standardized) }],
    ] as const) {
      await createModel(hub, alice.token, { name, visibility: 'PRIVATE' });
      expect((await uploadFiles(hub, alice.token, alice.username, name, files)).status).toBe(201);
      const set = await hub.graphql(
        `mutation($o: String!, $n: String!, $input: ModelVersionMetadataInput!) { setModelVersionMetadata(owner: $o, name: $n, number: 1, input: $input) { number } }`,
        { o: alice.username, n: name, input: metadata },
        alice.token,
      );
      expect(set.errors).toBeUndefined();
    }
    const node = await registerNode(hub, alice.token, 'raw');
    agent = await connectRawAgent(hub, node.token);
  }, 120_000);
  afterAll(async () => {
    agent?.socket.close();
    await hub?.close();
  });

  it('serves the agent the features only — no label column, no label value — and scores what it returns itself, whatever metrics the agent claims', async () => {
    const answer = runSql(`SELECT * FROM ML.EVALUATE(MODEL ${alice.username}.iris3, (SELECT * FROM ${alice.username}.petals))`);

    // Attempt 1: honest outputs, but a result claiming metrics: the report is refused, nothing is scored.
    const first = await nextAssign(0);
    expect(Object.keys(first.payload).sort()).toEqual(['chunkRows', 'features', 'files', 'labels', 'model', 'rowCount', 'task']);
    expect(first.payload).toMatchObject({ task: 'classification', labels: CLASSES, rowCount: flowers.length });
    const d1 = door(first);
    const stream = await d1.readAll();
    expect(stream.columns).toEqual(['a', 'b', 'c']);
    expect(stream.rows).toEqual(flowers.map((f) => [f.a, f.b, f.c]));
    const everything = stream.texts.join('\n');
    expect(everything).not.toMatch(/species|setosa|versicolor|virginica|martian|note|row-/);
    for (let at = 0; at < stream.rows.length; at += CHUNK_ROWS) {
      expect((await d1.post(at, stream.rows.slice(at, at + CHUNK_ROWS).map(classOutputs))).status).toBe(200);
    }
    d1.report({ rows: flowers.length, metrics: { accuracy: 1, precision: 1, recall: 1, f1_score: 1, log_loss: 0, roc_auc: 1 }, skipped: 0 });
    const refused = await waitForJob(hub, alice.token, first.jobId, (j) => j.failures === 1);
    expect(refused.history[0].reason).toMatch(/invalid result/);

    // Attempt 2: claims success on attempt 1's outputs without sending its own: refused.
    const second = await nextAssign(1);
    expect([second.jobId, second.attempt]).toEqual([first.jobId, 2]);
    door(second).report({ rows: flowers.length });
    const stale = await waitForJob(hub, alice.token, first.jobId, (j) => j.failures === 2);
    expect(stale.history[1].reason).toContain(`the hub holds predictions for 0 of the ${flowers.length} rows`);

    // Attempt 3: reads and predicts; the hub scores it.
    const third = await nextAssign(2);
    const d3 = door(third);
    const again = await d3.readAll();
    const outputs = again.rows.map(classOutputs);
    for (let at = 0; at < outputs.length; at += CHUNK_ROWS) expect((await d3.post(at, outputs.slice(at, at + CHUNK_ROWS))).status).toBe(200);
    d3.report({ rows: flowers.length });

    const res = await answer;
    expect(res.errors).toBeUndefined();
    const { statement, columns, rows } = res.data.runSql;
    expect(statement).toBe('ML_EVALUATE');
    const names = columns.map((c: { name: string }) => c.name);
    expect(names).toEqual(['precision', 'recall', 'accuracy', 'f1_score', 'log_loss', 'roc_auc']);
    const got = Object.fromEntries(names.map((n: string, i: number) => [n, rows[0][i]]));
    // Only rows with a known class count: NULL and 'martian' labels are left out.
    const scored = flowers.map((f, i) => ({ truth: f.species, probs: outputs[i] })).filter((r) => CLASSES.includes(r.truth));
    expect(scored.length).toBeLessThan(flowers.length);
    const want = referenceClassification(scored.map((r) => r.truth), scored.map((r) => r.probs));
    for (const [name, value] of Object.entries(want)) expect(got[name], name).toBeCloseTo(value, 9);
    expect(got.accuracy).toBeLessThan(1); // not the claimed 1
  }, 120_000);

  it('scores a regressor’s returned values: MAE, MSE, RMSE, median absolute error and R² equal this test’s computation', async () => {
    const seen = agent.received.filter((m) => m.type === 'job.assign' && m.kind === 'predict').length;
    const answer = runSql(`SELECT * FROM ML.EVALUATE(MODEL ${alice.username}.price, (SELECT a, b, c, label FROM ${alice.username}.houses))`);
    const assign = await nextAssign(seen);
    const d = door(assign);
    const stream = await d.readAll();
    expect(stream.columns).toEqual(['a', 'b', 'c']);
    expect(stream.rows.flat().every((v) => typeof v === 'number' && v < 5000)).toBe(true); // no label value
    const outputs = stream.rows.map(valueOutput);
    // NaN cannot travel in JSON: a missing value arrives as null, and is refused.
    const nan = await d.post(0, [[null]]);
    expect(nan.status).toBe(400);
    expect((await nan.json()).error.message).toContain('row 0: the predicted value is not a finite number');
    // Sent again, right: too late, a refusal sticks to its attempt.
    for (let at = 0; at < outputs.length; at += CHUNK_ROWS) expect((await d.post(at, outputs.slice(at, at + CHUNK_ROWS))).status).toBe(200);
    d.report({ rows: houses.length });
    const failed = await waitForJob(hub, alice.token, assign.jobId, (j) => j.failures === 1 || j.status === 'SUCCEEDED');
    expect(failed.status).not.toBe('SUCCEEDED');
    expect(failed.history[0].reason).toContain('the hub refused its predictions (body.outputs.0: row 0: the predicted value is not a finite number)');

    const retry = await nextAssign(seen + 1);
    const r = door(retry);
    const rows = (await r.readAll()).rows;
    for (let at = 0; at < rows.length; at += CHUNK_ROWS) expect((await r.post(at, rows.slice(at, at + CHUNK_ROWS).map(valueOutput))).status).toBe(200);
    r.report({ rows: houses.length });
    const res = await answer;
    expect(res.errors).toBeUndefined();
    const names = res.data.runSql.columns.map((c: { name: string }) => c.name);
    expect(names).toEqual(['mean_absolute_error', 'mean_squared_error', 'root_mean_squared_error', 'median_absolute_error', 'r2_score']);
    const got = Object.fromEntries(names.map((n: string, i: number) => [n, res.data.runSql.rows[0][i]]));
    const want = referenceRegression(houses.map((h) => h.label), outputs.map((o) => o[0]));
    for (const [name, value] of Object.entries(want)) expect(got[name], name).toBeCloseTo(value, 9);
  }, 120_000);

  it('answers a clear error when no row has a label the model knows (none is scored)', async () => {
    const seen = agent.received.filter((m) => m.type === 'job.assign' && m.kind === 'predict').length;
    const answer = runSql(`SELECT * FROM ML.EVALUATE(MODEL ${alice.username}.iris3, (SELECT * FROM ${alice.username}.petals WHERE species = 'martian'))`);
    const assign = await nextAssign(seen);
    const d = door(assign);
    const { rows } = await d.readAll();
    expect(rows.length).toBe(flowers.filter((f) => f.species === 'martian').length);
    expect((await d.post(0, rows.map(classOutputs))).status).toBe(200);
    d.report({ rows: rows.length });
    const res = await answer;
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toContain('no input row has a label the model knows (one of its classes): there is nothing to evaluate against');
  }, 60_000);

  it('refuses outputs of the wrong shape with a clear error, and the attempt fails instead of being scored', async () => {
    const seen = agent.received.filter((m) => m.type === 'job.assign' && m.kind === 'predict').length;
    const answer = runSql(`SELECT * FROM ML.EVALUATE(MODEL ${alice.username}.iris3, (SELECT * FROM ${alice.username}.petals))`);
    const assign = await nextAssign(seen);
    const d = door(assign);
    const { rows } = await d.readAll();
    const refusal = async (outputs: unknown[]) => {
      const res = await d.post(0, outputs);
      expect(res.status).toBe(400);
      return (await res.json()).error.message as string;
    };
    expect(await refusal([[0.5, 0.5]])).toContain('row 0 must have 3 values (a probability per class), not 2');
    // A probability for a fourth class — one the model does not have — is the same refusal.
    expect(await refusal([[0.25, 0.25, 0.25, 0.25]])).toContain('row 0 must have 3 values (a probability per class), not 4');
    expect(await refusal([[0.2, null, 0.8]])).toContain('row 0: the probability of class "versicolor" is not a finite number');
    expect(await refusal([classOutputs(rows[0]), [0.9, 0.9, 0.9]])).toContain('row 1: the class probabilities sum to 2.7');
    expect(await refusal([[1.5, -0.25, -0.25]])).toContain('row 0: class "setosa" has a probability of 1.5, outside [0, 1]');
    expect(await refusal([['virginica']])).toMatch(/body\.outputs\.0\.0/); // a class name is not an output

    // Every row answered well afterwards does not undo the refusal: this attempt is not scored.
    for (let at = 0; at < rows.length; at += CHUNK_ROWS) expect((await d.post(at, rows.slice(at, at + CHUNK_ROWS).map(classOutputs))).status).toBe(200);
    d.report({ rows: flowers.length });
    const failed = await waitForJob(hub, alice.token, assign.jobId, (j) => j.failures === 1);
    expect(failed.history[0]).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('the hub refused its predictions (body.outputs.0.0:') });
    const [row] = await hub.sql(`SELECT metrics FROM ml_jobs WHERE job_id = $1`, [assign.jobId]);
    expect(row.metrics).toBeNull();

    await hub.graphql(`mutation($id: ID!) { cancelJob(id: $id) { status } }`, { id: assign.jobId }, alice.token);
    const res = await answer;
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/ML\.EVALUATE job .* canceled/);
  }, 120_000);
});
