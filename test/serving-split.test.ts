/**
 * Traffic split on a real hub, real PostgreSQL and real agent processes serving two versions of a
 * classifier trained by SQL (version 2 trained for one epoch at a tiny learning rate, so the two
 * disagree on many inputs): a 90/10 split of 2,000 requests lands within ±3 % of 10 % (counted by
 * the served-version header); each routing key always reaches one variant and keys spread by
 * weight; CALLER stickiness keeps an API key on one variant; the pin header reaches the variant it
 * names and an unknown variant is refused 400; a shadow changes no answer and spends no quota, and
 * its agreement rate matches the test's own count of the two versions' labels; bad splits are
 * refused naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentProcess } from './support/agent.js';
import { connectAgent } from './support/connect-agent.js';
import { FAST_SCHEDULER, waitFor, waitForJob } from './support/compute.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { apiKey, kserveInfer, load, tfServingPredict, trainIris, waitForDeployment } from './support/serving.js';
import { flowers } from './support/synthetic-data.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const CREATE = `mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { id versionNumber maxReplicas variants { versionNumber alias weight shadow replicas } stickiness } }`;
const UPDATE = `mutation($o: String!, $n: String!, $input: UpdateDeploymentInput!) { updateDeployment(owner: $o, name: $n, input: $input) { versionNumber variants { versionNumber weight shadow replicas } stickiness } }`;
const SHADOW = `query($o: String!, $n: String!) { deployment(owner: $o, name: $n) {
  shadow { versionNumber requests errors comparedRecords agreedRecords agreementRate latencyP50Ms primaryLatencyP50Ms } } }`;
const USAGE = `query($d: String!, $from: DateTimeISO!, $to: DateTimeISO!) { usage(deployment: $d, from: $from, to: $to, granularity: DAY) { requests } }`;

describe('Traffic split: weighted variants, stickiness, pinning and shadow traffic', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let key: string;
  const agents: AgentProcess[] = [];
  const rows = flowers(60, 11, 0).map(({ petal, sepal, color }) => ({ petal, sepal, color }));
  const versionOf = (answer: { headers: Headers }) => Number(answer.headers.get('x-model-version'));
  const readyBoth = (d: any) => d.status === 'READY' && [1, 2].every((n) => d.replicas.some((r: any) => r.versionNumber === n && r.state === 'READY'));

  beforeAll(async () => {
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_SERVE_SPREAD_WAIT_SECONDS: '1' } });
    alice = await signUp(hub);
    for (const name of ['s1', 's2', 's3']) agents.push((await connectAgent(hub, alice.token, name, ['--slots', '2'])).agent);
    await trainIris(hub, alice, 'iris');
    // Version 2: barely trained, so it disagrees with version 1 on many inputs.
    const res = await hub.graphql(
      `mutation($q: String!) { runSql(query: $q) { rows } }`,
      {
        q: `CREATE OR REPLACE MODEL ${alice.username}.iris OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['species'], hidden_units = [8], epochs = 1,
              learn_rate = 0.0005, early_stop = FALSE) AS SELECT petal, sepal, color, species FROM ${alice.username}.iris_data`,
      },
      alice.token,
    );
    expect(res.errors).toBeUndefined();
    const job = await waitForJob(hub, alice.token, res.data.runSql.rows[0][0], (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 180_000);
    expect(job.status, job.error).toBe('SUCCEEDED');
    key = await apiKey(hub, alice, ['INFERENCE']);
  }, 400_000);
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await hub?.close();
  });

  const create = (input: Record<string, unknown>) => hub.graphql(CREATE, { input: { model: `${alice.username}/iris`, ...input } }, alice.token);
  const fieldsOf = (res: any) => (res.errors?.[0]?.extensions?.fields ?? []).map((f: any) => f.field);

  it('refuses a split that cannot be served, naming the field, and creates nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ variants: [{ version: 1, weight: 90 }, { version: 2, weight: 20 }] }, 'variants'],
      [{ variants: [{ version: 1, weight: 100 }, { version: 1, weight: 0 }] }, 'variants[1].version'],
      [{ variants: [{ version: 1, weight: 100 }, { version: 9, weight: 0 }] }, 'variants[1].version'],
      [{ variants: [{ version: 1, weight: 100 }, { version: 2, weight: 0, shadow: true }] }, 'variants[1].weight'],
      [{ variants: [{ version: 2, weight: 100, shadow: true }] }, 'variants'],
      [{ variants: [{ version: 1, weight: 50 }, { version: 2, weight: 50 }], version: 1 }, 'variants'],
      [{ variants: [1, 2, 1, 2, 1].map((version) => ({ version, weight: 20 })) }, 'variants'],
      [{ variants: [{ version: 1, weight: 50 }, { version: 2, weight: 50 }], minReplicas: 1, maxReplicas: 1 }, 'maxReplicas'],
    ];
    for (const [input, field] of cases) {
      const res = await create({ name: 'bad-split', ...input });
      expect(codeOf(res), JSON.stringify(input)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(res), JSON.stringify(input)).toContain(field);
    }
    expect(await hub.sql(`SELECT 1 FROM deployments WHERE name = 'bad-split'`)).toHaveLength(0);
  });

  it('splits 2,000 requests 90/10 within ±3 %, saying which version answered each', async () => {
    const made = await create({ name: 'ab', minReplicas: 2, variants: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }] });
    expect(made.errors).toBeUndefined();
    expect(made.data.createDeployment).toMatchObject({
      versionNumber: 1,
      maxReplicas: 2,
      stickiness: 'REQUEST',
      variants: [
        { versionNumber: 1, alias: null, weight: 90, shadow: false, replicas: 1 },
        { versionNumber: 2, alias: null, weight: 10, shadow: false, replicas: 1 },
      ],
    });
    await waitForDeployment(hub, alice.token, alice.username, 'ab', readyBoth, 120_000);
    const results = await load(2000, 8, (i) => tfServingPredict(hub, key, alice.username, 'ab', { instances: [rows[i % rows.length]] }));
    expect(results.filter((r) => r.status !== 200).map((r) => r.answer.body)).toEqual([]);
    const canary = results.filter((r) => versionOf(r.answer) === 2).length;
    expect(results.every((r) => [1, 2].includes(versionOf(r.answer)))).toBe(true);
    expect(canary / 2000).toBeGreaterThanOrEqual(0.07);
    expect(canary / 2000).toBeLessThanOrEqual(0.13);
  });

  it('sends each routing key to one variant every time, keys spread by weight, and CALLER stickiness holds an API key to one', async () => {
    const keys = Array.from({ length: 300 }, (_, i) => `user-${i}`);
    const seen = new Map<string, Set<number>>();
    const results = await load(keys.length * 3, 8, async (i) => {
      const routingKey = keys[i % keys.length];
      const answer = await tfServingPredict(hub, key, alice.username, 'ab', { instances: [rows[i % rows.length]] }, { headers: { 'X-AIMass-Routing-Key': routingKey } });
      if (answer.status === 200) seen.set(routingKey, (seen.get(routingKey) ?? new Set()).add(versionOf(answer)));
      return answer;
    });
    expect(results.filter((r) => r.status !== 200).map((r) => [r.status, r.answer.body])).toEqual([]);
    expect([...seen.values()].every((versions) => versions.size === 1)).toBe(true);
    const canaryKeys = [...seen.values()].filter((versions) => versions.has(2)).length;
    expect(canaryKeys / keys.length).toBeGreaterThanOrEqual(0.04);
    expect(canaryKeys / keys.length).toBeLessThanOrEqual(0.16);
    // The KServe door takes the key as parameters.user and GraphQL as routingKey: the same key, the same variant.
    const sticky = keys.find((k) => seen.get(k)!.has(2))!;
    const v2 = await kserveInfer(hub, key, alice.username, 'ab', {
      parameters: { user: sticky },
      inputs: [{ name: 'petal', shape: [1], datatype: 'FP32', data: [0.5] }, { name: 'sepal', shape: [1], datatype: 'FP32', data: [0.1] }, { name: 'color', shape: [1], datatype: 'BYTES', data: ['red'] }],
    });
    expect(v2.status).toBe(200);
    expect(v2.body.model_version).toBe('2');
    expect(v2.headers.get('x-model-version')).toBe('2');
    const gql = await hub.graphql(`mutation($d: String!, $k: String) { predict(deployment: $d, instances: [{ petal: 1 }], routingKey: $k) { versionNumber } }`, { d: `${alice.username}/ab`, k: sticky }, key);
    expect(gql.data?.predict.versionNumber).toBe(2);

    const updated = await hub.graphql(UPDATE, { o: alice.username, n: 'ab', input: { stickiness: 'CALLER' } }, alice.token);
    expect(updated.data.updateDeployment.stickiness).toBe('CALLER');
    const byKey = await load(40, 4, (i) => tfServingPredict(hub, key, alice.username, 'ab', { instances: [rows[i % rows.length]] }));
    expect(byKey.every((r) => r.status === 200)).toBe(true);
    expect(new Set(byKey.map((r) => versionOf(r.answer))).size).toBe(1);
  });

  it('pins a variant with X-AIMass-Variant, and refuses an unknown one with 400 naming the header', async () => {
    for (let i = 0; i < 20; i++) {
      const pinned = await tfServingPredict(hub, key, alice.username, 'ab', { instances: [rows[i]] }, { headers: { 'X-AIMass-Variant': '2' } });
      expect(pinned.status).toBe(200);
      expect(versionOf(pinned)).toBe(2);
    }
    const unknown = await tfServingPredict(hub, key, alice.username, 'ab', { instances: [rows[0]] }, { headers: { 'X-AIMass-Variant': '7' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/^X-AIMass-Variant: .*has no variant of version 7 \(its variants: 1, 2\)/);
    const notNumber = await tfServingPredict(hub, key, alice.username, 'ab', { instances: [rows[0]] }, { headers: { 'X-AIMass-Variant': 'canary' } });
    expect(notNumber.status).toBe(400);
    const longKey = await hub.graphql(`mutation($d: String!, $k: String) { predict(deployment: $d, instances: [{ petal: 1 }], routingKey: $k) { versionNumber } }`, { d: `${alice.username}/ab`, k: 'k'.repeat(257) }, key);
    expect(codeOf(longKey)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(longKey)).toEqual(['routingKey']);
    // A stranger is not told the variants: the deployment is not there for them.
    const mallory = await signUp(hub);
    const stranger = await tfServingPredict(hub, mallory.token, alice.username, 'ab', { instances: [rows[0]] }, { headers: { 'X-AIMass-Variant': '2' } });
    expect(stranger.status).toBe(404);
  });

  it('copies requests to a shadow without changing an answer or spending quota, and records its agreement with the answers', async () => {
    const made = await create({ name: 'shadowed', minReplicas: 2, variants: [{ version: 1, weight: 100 }, { version: 2, weight: 100, shadow: true }] });
    expect(made.errors).toBeUndefined();
    await waitForDeployment(hub, alice.token, alice.username, 'shadowed', readyBoth, 120_000);
    // The test's own count: each version's label for each record, asked of that version alone.
    const labelsOf = async (version: number) => {
      const res = await tfServingPredict(hub, alice.token, alice.username, 'shadowed', { instances: rows }, { path: `/versions/${version}` });
      expect(res.status).toBe(200);
      return (res.body.predictions as { label: string }[]).map((p) => p.label);
    };
    const [stable, shadow] = [await labelsOf(1), await labelsOf(2)];
    const agreeing = stable.filter((label, i) => label === shadow[i]).length;
    expect(agreeing).toBeLessThan(rows.length);

    const quotaKey = await apiKey(hub, alice, ['INFERENCE'], { dailyRequests: 1000 });
    const window = { d: `${alice.username}/shadowed`, from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };
    const used = async () => ((await hub.graphql(USAGE, window, alice.token)).data.usage as { requests: number }[]).reduce((sum, p) => sum + p.requests, 0);
    const before = await used();
    const answers = await load(rows.length, 4, (i) => tfServingPredict(hub, quotaKey, alice.username, 'shadowed', { instances: [rows[i]] }));
    for (const r of answers) {
      expect(r.status).toBe(200);
      expect(versionOf(r.answer)).toBe(1);
      // The quota the caller sees counts their requests only.
      expect(Number(r.answer.headers.get('ratelimit-remaining'))).toBeGreaterThanOrEqual(1000 - rows.length);
    }
    // Every answer is version 1's for its record.
    const sent = await Promise.all(rows.map((row) => tfServingPredict(hub, quotaKey, alice.username, 'shadowed', { instances: [row] })));
    expect(sent.map((r) => r.body.predictions[0].label)).toEqual(stable);
    expect(await used()).toBe(before + 2 * rows.length);
    const [{ used: spent }] = await hub.sql<{ used: number }>(
      `SELECT sum(c.used)::int AS used FROM serving_daily_counts c JOIN api_keys k ON c.key = 'apiKey:' || k.id WHERE k.user_id = $1 AND k.daily_requests = 1000`,
      [alice.id],
    );
    expect(spent).toBe(2 * rows.length);

    const figures = await waitFor('the shadow figures', async () => {
      const res = await hub.graphql(SHADOW, { o: alice.username, n: 'shadowed' }, alice.token);
      const s = res.data?.deployment.shadow[0];
      return s && s.requests === 2 * rows.length ? s : undefined;
    });
    expect(figures).toMatchObject({ versionNumber: 2, errors: 0, comparedRecords: 2 * rows.length, agreedRecords: 2 * agreeing });
    expect(figures.agreementRate).toBeCloseTo(agreeing / rows.length, 10);
    expect(figures.latencyP50Ms).toBeGreaterThan(0);
    expect(figures.primaryLatencyP50Ms).toBeGreaterThan(0);
  });

  it('sums the shadow figures of every hub on the database', async () => {
    const read = async (on: TestHub) => (await on.graphql(SHADOW, { o: alice.username, n: 'shadowed' }, alice.token)).data.deployment.shadow[0];
    const before = await read(hub);
    const peer = await hub.peer();
    try {
      const viaPeer = await load(rows.length, 4, (i) => tfServingPredict(peer, key, alice.username, 'shadowed', { instances: [rows[i]] }));
      expect(viaPeer.every((r) => r.status === 200 && versionOf(r.answer) === 1)).toBe(true);
      // The peer writes its figures within a second; this hub reads every hub's.
      const after = await waitFor('both hubs’ shadow figures', async () => {
        const s = await read(hub);
        return s.requests === before.requests + rows.length ? s : undefined;
      });
      // The same share of the peer's copies agrees as of this hub's (a ratio: compared as a number, not bit for bit).
      expect(after.agreedRecords - before.agreedRecords).toBeCloseTo((before.agreedRecords / before.requests) * rows.length, 9);
      expect(after.comparedRecords).toBe(before.comparedRecords + rows.length);
    } finally {
      await peer.close();
    }
  });

  it('divides minReplicas among the variants by weight, and keeps a weight-0 variant warm for pinned requests only', async () => {
    const even = await hub.graphql(UPDATE, { o: alice.username, n: 'ab', input: { minReplicas: 4, maxReplicas: 4, variants: [{ version: 1, weight: 50 }, { version: 2, weight: 50 }] } }, alice.token);
    expect(even.errors).toBeUndefined();
    expect(even.data.updateDeployment.variants.map((v: any) => v.replicas)).toEqual([2, 2]);
    const ready = (d: any, n: number) => d.replicas.filter((r: any) => r.state === 'READY' && r.versionNumber === n).length;
    await waitForDeployment(hub, alice.token, alice.username, 'ab', (d) => d.status === 'READY' && d.replicas.length === 4 && ready(d, 1) === 2 && ready(d, 2) === 2, 120_000);

    const warm = await hub.graphql(UPDATE, { o: alice.username, n: 'ab', input: { minReplicas: 2, variants: [{ version: 1, weight: 100 }, { version: 2, weight: 0 }] } }, alice.token);
    expect(warm.data.updateDeployment.variants).toEqual([
      { versionNumber: 1, weight: 100, shadow: false, replicas: 1 },
      { versionNumber: 2, weight: 0, shadow: false, replicas: 1 },
    ]);
    await waitForDeployment(hub, alice.token, alice.username, 'ab', (d) => d.status === 'READY' && d.replicas.length === 2 && ready(d, 1) === 1 && ready(d, 2) === 1, 120_000);
    const routed = await load(100, 4, (i) => tfServingPredict(hub, key, alice.username, 'ab', { instances: [rows[i % rows.length]] }));
    expect(routed.every((r) => r.status === 200 && versionOf(r.answer) === 1)).toBe(true);
    const pinned = await tfServingPredict(hub, key, alice.username, 'ab', { instances: [rows[0]] }, { headers: { 'X-AIMass-Variant': '2' } });
    expect(versionOf(pinned)).toBe(2);
  });

  it('keeps the one-version forms: updateDeployment with a version makes a split of one again', async () => {
    const res = await hub.graphql(UPDATE, { o: alice.username, n: 'ab', input: { version: 2 } }, alice.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.updateDeployment).toMatchObject({ versionNumber: 2, variants: [{ versionNumber: 2, weight: 100, shadow: false }] });
    await waitForDeployment(hub, alice.token, alice.username, 'ab', (d) => d.status === 'READY' && d.replicas.every((r: any) => r.versionNumber === 2));
  });
});
