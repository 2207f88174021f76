/**
 * Serving with two hub processes on one PostgreSQL database, as behind a load balancer: requests
 * reaching the hub that does not hold the replica's agent are served through the other; an API
 * key's daily quota of N lets exactly N requests through across both hubs (the N+1-th is 429 on
 * either); and the usage figures both hubs metered equal the requests sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, waitFor } from './support/compute.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { apiKey, createDeployment, kserveInfer, tfServingPredict, trainIris, waitForDeployment } from './support/serving.js';
import { signUp, type SignedUp } from './support/users.js';

describe('Serving across two hubs on one database', () => {
  let a: TestHub;
  let b: TestHub;
  let alice: SignedUp;
  let agent: AgentProcess;
  const record = { petal: 1.2, sepal: -0.3, color: 'blue' };

  beforeAll(async () => {
    a = await startTestHub({ env: FAST_SCHEDULER });
    b = await a.peer();
    alice = await signUp(a);
    const node = await registerNode(a, alice.token, 'only-on-a');
    agent = spawnAgent(['--hub', a.url, '--token', node.token, '--name', 'only-on-a', '--slots', '2']);
    await agent.waitFor(/connected to hub/);
    await trainIris(a, alice, 'iris');
    await createDeployment(a, alice.token, { name: 'iris', model: `${alice.username}/iris`, minReplicas: 1, maxReplicas: 1 });
    await waitForDeployment(a, alice.token, alice.username, 'iris');
  }, 300_000);
  afterAll(async () => {
    await agent?.stop();
    await b?.close();
    await a?.close();
  });

  it('serves requests reaching the hub that does not hold the agent, with the same answers', async () => {
    const key = await apiKey(a, alice, ['INFERENCE']);
    // Hub B learns of the replica through the database.
    await waitForDeployment(b, alice.token, alice.username, 'iris');
    const viaA = await tfServingPredict(a, key, alice.username, 'iris', { instances: [record] });
    const viaB = await tfServingPredict(b, key, alice.username, 'iris', { instances: [record] });
    expect(viaA.status, JSON.stringify(viaA.body)).toBe(200);
    expect(viaB.status, JSON.stringify(viaB.body)).toBe(200);
    expect(viaB.body.predictions).toEqual(viaA.body.predictions);
    const v2 = await kserveInfer(b, key, alice.username, 'iris', {
      inputs: [
        { name: 'petal', shape: [1], datatype: 'FP32', data: [record.petal] },
        { name: 'sepal', shape: [1], datatype: 'FP32', data: [record.sepal] },
        { name: 'color', shape: [1], datatype: 'BYTES', data: [record.color] },
      ],
    });
    expect(v2.status, JSON.stringify(v2.body)).toBe(200);
    // Many at once through B: every one answered.
    const many = await Promise.all(Array.from({ length: 40 }, () => tfServingPredict(b, key, alice.username, 'iris', { instances: [record] })));
    expect(many.map((r) => r.status)).toEqual(many.map(() => 200));
  }, 120_000);

  it('lets exactly N requests of a key with a daily quota of N through, whichever hub they reach; usage counts them', async () => {
    const quota = 7;
    const key = await apiKey(a, alice, ['INFERENCE', 'MODELS_READ'], { dailyRequests: quota });
    const statuses: number[] = [];
    for (let i = 0; i < quota + 3; i++) {
      const hub = i % 2 === 0 ? a : b;
      statuses.push((await tfServingPredict(hub, key, alice.username, 'iris', { instances: [record, record] })).status);
    }
    expect(statuses.slice(0, quota)).toEqual(Array(quota).fill(200));
    expect(statuses.slice(quota)).toEqual([429, 429, 429]);

    // Concurrent requests through both hubs cannot squeeze past the quota either.
    const racing = await apiKey(a, alice, ['INFERENCE'], { dailyRequests: quota });
    const raced = await Promise.all(Array.from({ length: 20 }, (_, i) => tfServingPredict(i % 2 ? a : b, racing, alice.username, 'iris', { instances: [record] })));
    expect(raced.filter((r) => r.status === 200)).toHaveLength(quota);
    expect(raced.filter((r) => r.status === 429)).toHaveLength(20 - quota);

    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const usage = await waitFor('usage of both hubs', async () => {
      const res = await a.graphql(
        `query($d: String!, $from: DateTimeISO!, $to: DateTimeISO!) { usage(deployment: $d, from: $from, to: $to, granularity: DAY) { apiKeyId requests rows errors computeMs } }`,
        { d: `${alice.username}/iris`, from, to },
        alice.token,
      );
      expect(res.errors).toBeUndefined();
      const total = res.data.usage.reduce((n: number, p: any) => n + p.requests, 0);
      // 43 from the first test, 7 + 7 admitted here (refused requests never reached the deployment).
      return total >= 43 + 2 * quota ? res.data.usage : undefined;
    });
    const requests = usage.reduce((n: number, p: any) => n + p.requests, 0);
    const rows = usage.reduce((n: number, p: any) => n + p.rows, 0);
    expect(requests).toBe(43 + 2 * quota);
    expect(rows).toBe(43 + 2 * quota + quota);
    expect(usage.reduce((n: number, p: any) => n + p.errors, 0)).toBe(0);
  }, 120_000);
});
