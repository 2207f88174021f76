/**
 * Serving end to end: a classifier trained by SQL is deployed on two real agent processes and
 * called through every front door — TF Serving REST (row and columnar formats), KServe v2 and
 * GraphQL predict — which all answer what ML.PREDICT and the downloaded artifact (TF.js in this
 * test, with the stored preprocessing) answer for the same raw rows. Malformed bodies are 400 with
 * a message naming what is wrong and harm no replica; credentials and sharing hold: a key without
 * the `inference` scope is refused, another user's private deployment is 404, a subscriber within
 * their plan may call it and the plan's daily quota is enforced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentProcess } from './support/agent.js';
import { connectAgent } from './support/connect-agent.js';
import { FAST_SCHEDULER } from './support/compute.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { apiKey, createDeployment, httpGet, kserveInfer, localPredict, tfServingPredict, trainIris, waitForDeployment } from './support/serving.js';
import { flowers } from './support/synthetic-data.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

describe('Serving: deployments answered through TF Serving REST, KServe v2 and GraphQL', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  let key: string;
  const agents: AgentProcess[] = [];
  const records = flowers(12, 99, 0.2).map(({ petal, sepal, color }) => ({ petal, sepal, color }));
  let expected: { outputs: number[][]; labels: string[] };

  beforeAll(async () => {
    hub = await startTestHub({ env: FAST_SCHEDULER });
    alice = await signUp(hub);
    bob = await signUp(hub);
    for (const name of ['serve-a', 'serve-b']) agents.push((await connectAgent(hub, alice.token, name, ['--slots', '2'])).agent);
    await trainIris(hub, alice, 'iris', 'PUBLIC');
    await createDeployment(hub, alice.token, { name: 'iris', model: `${alice.username}/iris`, minReplicas: 2, maxReplicas: 2, visibility: 'PRIVATE' });
    const ready = await waitForDeployment(hub, alice.token, alice.username, 'iris', (d) => d.status === 'READY' && d.replicas.filter((r: any) => r.state === 'READY').length === 2);
    // Spread over the two nodes.
    expect(new Set(ready.replicas.map((r: any) => r.nodeId)).size).toBe(2);
    key = await apiKey(hub, alice, ['INFERENCE']);
    expected = await localPredict(hub, alice, 'iris', 1, records);
  }, 300_000);
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await hub?.close();
  });

  const close = (got: number[], want: number[]) => {
    expect(got).toHaveLength(want.length);
    got.forEach((g, k) => expect(g).toBeCloseTo(want[k], 5));
  };

  it('answers TF Serving row-format requests (named features, or values in signature order) like the downloaded artifact', async () => {
    const res = await tfServingPredict(hub, key, alice.username, 'iris', { instances: records });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.predictions).toHaveLength(records.length);
    res.body.predictions.forEach((p: any, i: number) => {
      close(p.probabilities, expected.outputs[i]);
      expect(p.label).toBe(expected.labels[expected.outputs[i].indexOf(Math.max(...expected.outputs[i]))]);
    });
    const listed = await tfServingPredict(hub, key, alice.username, 'iris', { instances: records.map((r) => [r.petal, r.sepal, r.color]) });
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    listed.body.predictions.forEach((p: any, i: number) => close(p.probabilities, expected.outputs[i]));
    // Pinned to version 1, as TF Serving clients address a version.
    const pinned = await tfServingPredict(hub, key, alice.username, 'iris', { instances: records.slice(0, 2) }, { path: '/versions/1' });
    expect(pinned.status, JSON.stringify(pinned.body)).toBe(200);
  });

  it('answers TF Serving columnar requests with outputs', async () => {
    const inputs = { petal: records.map((r) => r.petal), sepal: records.map((r) => r.sepal), color: records.map((r) => r.color) };
    const res = await tfServingPredict(hub, key, alice.username, 'iris', { inputs });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.outputs).toBeDefined();
    const probabilities: number[][] = res.body.outputs.probabilities ?? res.body.outputs;
    probabilities.forEach((row, i) => close(row, expected.outputs[i]));
  });

  it('answers KServe v2 infer requests with one input per feature, and its metadata and health', async () => {
    // FP32 has no null: the v2 request carries the records without missing values.
    const full = records.map((r, i) => ({ r, i })).filter(({ r }) => r.sepal !== null && r.color !== null);
    const n = full.length;
    expect(n).toBeGreaterThan(3);
    const res = await kserveInfer(hub, key, alice.username, 'iris', {
      id: 'req-1',
      inputs: [
        { name: 'petal', shape: [n], datatype: 'FP32', data: full.map(({ r }) => r.petal) },
        { name: 'sepal', shape: [n], datatype: 'FP32', data: full.map(({ r }) => r.sepal) },
        { name: 'color', shape: [n], datatype: 'BYTES', data: full.map(({ r }) => r.color) },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.id).toBe('req-1');
    expect(res.body.model_name).toBe(`${alice.username}.iris`);
    expect(res.body.model_version).toBe('1');
    const probs = res.body.outputs.find((o: any) => o.datatype === 'FP32');
    expect(probs.shape).toEqual([n, 3]);
    full.forEach(({ i }, k) => close(probs.data.slice(k * 3, k * 3 + 3), expected.outputs[i]));
    const labels = res.body.outputs.find((o: any) => o.datatype === 'BYTES');
    full.forEach(({ i }, k) => expect(labels.data[k]).toBe(expected.labels[expected.outputs[i].indexOf(Math.max(...expected.outputs[i]))]));

    expect((await httpGet(hub, undefined, '/v2/health/live')).status).toBe(200);
    expect((await httpGet(hub, undefined, '/v2/health/ready')).status).toBe(200);
    expect((await httpGet(hub, key, `/v2/models/${alice.username}.iris/ready`)).status).toBe(200);
    const meta = await httpGet(hub, key, `/v2/models/${alice.username}.iris`);
    expect(meta.status).toBe(200);
    expect(meta.body.inputs.map((i: any) => [i.name, i.datatype])).toEqual([
      ['petal', 'FP32'],
      ['sepal', 'FP32'],
      ['color', 'BYTES'],
    ]);
    const status = await httpGet(hub, key, `/v1/models/${alice.username}.iris`);
    expect(status.status).toBe(200);
    expect(status.body.model_version_status[0].state).toBe('AVAILABLE');
    expect((await httpGet(hub, key, `/v1/models/${alice.username}.iris/metadata`)).status).toBe(200);
  });

  it('answers GraphQL predict with labels, probabilities, the version and the replica, as ML.PREDICT does', async () => {
    const res = await hub.graphql(
      `mutation($d: String!, $i: [JSON!]!) { predict(deployment: $d, instances: $i) { predictions { label probabilities { label probability } } model versionNumber replica nodeName latencyMs } }`,
      { d: `${alice.username}/iris`, i: records },
      alice.token,
    );
    expect(res.errors).toBeUndefined();
    const answer = res.data.predict;
    expect(answer.versionNumber).toBe(1);
    expect(answer.latencyMs).toBeGreaterThan(0);
    expect(['serve-a', 'serve-b']).toContain(answer.nodeName);
    answer.predictions.forEach((p: any, i: number) => close(p.probabilities.map((c: any) => c.probability), expected.outputs[i]));

    // ML.PREDICT's answer for the same rows (the batch path or the deployment: the same numbers).
    const values = records.map((r) => `(${r.petal}::float8, ${r.sepal === null ? 'NULL::float8' : `${r.sepal}::float8`}, ${r.color === null ? 'NULL::text' : `'${r.color}'`})`).join(', ');
    const sql = await hub.graphql(
      `mutation($q: String!) { runSql(query: $q, first: 100) { columns { name } rows } }`,
      { q: `SELECT * FROM ML.PREDICT(MODEL ${alice.username}.iris, (SELECT column1 AS petal, column2 AS sepal, column3 AS color FROM (VALUES ${values}) AS t))` },
      alice.token,
    );
    expect(sql.errors).toBeUndefined();
    const probsAt = sql.data.runSql.columns.findIndex((c: any) => c.name === 'predicted_species_probs');
    sql.data.runSql.rows.forEach((row: any[], i: number) => close(row[probsAt].map((p: any) => p.prob), answer.predictions[i].probabilities.map((c: any) => c.probability)));
  });

  it('refuses malformed bodies with 400 naming the problem, and keeps serving', async () => {
    const cases: [unknown, RegExp][] = [
      [{ instances: [{ petal: 1, sepal: 1, colour: 'red' }] }, /colour/],
      [{ instances: [{ petal: 'wide', sepal: 1, color: 'red' }] }, /petal/],
      [{ instances: [[1, 2]] }, /3|values|order/],
      [{ instances: [] }, /instances/],
      [{ nothing: true }, /instances|inputs/],
      ['{"instances": [{"petal": NaN, "sepal": 1, "color": "red"}]}', /JSON|NaN/],
      [{ instances: Array.from({ length: 5000 }, () => records[0]) }, /instances|1000/],
    ];
    for (const [body, message] of cases) {
      const res = await tfServingPredict(hub, key, alice.username, 'iris', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(typeof res.body.error).toBe('string');
      expect(res.body.error).toMatch(message);
    }
    const v2cases: unknown[] = [
      { inputs: [{ name: 'petal', shape: [2], datatype: 'FP32', data: [1] }] },
      { inputs: [{ name: 'petal', shape: [1], datatype: 'BYTES', data: ['x'] }, { name: 'sepal', shape: [1], datatype: 'FP32', data: [1] }, { name: 'color', shape: [1], datatype: 'BYTES', data: ['red'] }] },
      { inputs: [{ name: 'wings', shape: [1], datatype: 'FP32', data: [1] }] },
    ];
    for (const body of v2cases) {
      const res = await kserveInfer(hub, key, alice.username, 'iris', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(typeof res.body.error).toBe('string');
    }
    const big = await tfServingPredict(hub, key, alice.username, 'iris', JSON.stringify({ instances: [{ petal: 1, sepal: 1, color: 'x'.repeat(11 * 1024 * 1024) }] }));
    expect([400, 413]).toContain(big.status);
    expect(typeof big.body.error).toBe('string');
    // Every replica still answers.
    const after = await tfServingPredict(hub, key, alice.username, 'iris', { instances: records.slice(0, 1) });
    expect(after.status).toBe(200);
    const d = await waitForDeployment(hub, alice.token, alice.username, 'iris');
    expect(d.replicas.filter((r: any) => r.state === 'READY')).toHaveLength(2);
  });

  it('holds credentials and sharing: no inference scope refused, private deployment 404 to strangers, subscribers within their plan', async () => {
    const modelsOnly = await apiKey(hub, alice, ['MODELS_READ']);
    expect((await tfServingPredict(hub, modelsOnly, alice.username, 'iris', { instances: records.slice(0, 1) })).status).toBe(403);
    expect((await tfServingPredict(hub, undefined, alice.username, 'iris', { instances: records.slice(0, 1) })).status).toBe(401);

    const bobKey = await apiKey(hub, bob, ['INFERENCE']);
    const stranger = await tfServingPredict(hub, bobKey, alice.username, 'iris', { instances: records.slice(0, 1) });
    expect(stranger.status).toBe(404);
    expect(stranger.body.error).toMatch(/not found/i);
    const unknown = await tfServingPredict(hub, bobKey, alice.username, 'nothing-here', { instances: records.slice(0, 1) });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe(stranger.body.error.replace('iris', 'nothing-here'));
    const gql = await hub.graphql(`mutation($d: String!, $i: [JSON!]!) { predict(deployment: $d, instances: $i) { versionNumber } }`, { d: `${alice.username}/iris`, i: records.slice(0, 1) }, bob.token);
    expect(codeOf(gql)).toBe('NOT_FOUND');

    // Bob subscribes to the (public) model with a plan of 3 requests a day: he may call the private deployment 3 times.
    const sub = await hub.graphql(
      `mutation($input: SubscribeInput!) { subscribe(input: $input) { subscription { id } } }`,
      { input: { kind: 'MODEL', owner: alice.username, name: 'iris', plan: { name: 'tiny', dailyRequestQuota: 3 } } },
      bob.token,
    );
    expect(sub.errors).toBeUndefined();
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await tfServingPredict(hub, bobKey, alice.username, 'iris', { instances: records.slice(0, 1) });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.headers.get('ratelimit-remaining')).toBe('0');
  });
});
