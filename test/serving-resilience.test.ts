/**
 * The router under trouble, with real agent processes serving a deployment: one of three
 * replicas' agents killed with SIGKILL under steady load (at least 99.9 % of requests succeed and
 * a new replica is placed), one replica made slow (2 s per request) among four (at least 99 % of
 * requests under 1 s), load far beyond capacity (the excess refused with 429/503 and Retry-After
 * within milliseconds, /readyz answering throughout, the deployment serving again afterwards),
 * and a rolling update to a new version under load (no failed request).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentProcess } from './support/agent.js';
import { connectAgent } from './support/connect-agent.js';
import { FAST_SCHEDULER } from './support/compute.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { apiKey, createDeployment, getDeployment, load, tfServingPredict, trainIris, waitForDeployment } from './support/serving.js';
import { flowers } from './support/synthetic-data.js';
import { signUp, type SignedUp } from './support/users.js';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

describe('Serving under trouble: dying, slow and overloaded replicas, rolling updates', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let key: string;
  const agents = new Map<string, AgentProcess>();
  const nodeIds = new Map<string, string>();
  const rows = flowers(50, 5, 0.1).map(({ petal, sepal, color }) => ({ petal, sepal, color }));
  const predict = (name: string, i: number, headers?: Record<string, string>) => tfServingPredict(hub, key, alice.username, name, { instances: [rows[i % rows.length]] }, { headers });
  const readyReplicas = (d: any) => d.replicas.filter((r: any) => r.state === 'READY');

  async function startAgent(name: string, args: string[] = [], env: Record<string, string> = {}): Promise<void> {
    const { agent, nodeId } = await connectAgent(hub, alice.token, name, args, env);
    nodeIds.set(name, nodeId);
    agents.set(name, agent);
  }

  beforeAll(async () => {
    hub = await startTestHub({ env: FAST_SCHEDULER });
    alice = await signUp(hub);
    for (const name of ['n1', 'n2', 'n3', 'n4']) await startAgent(name, ['--slots', '2']);
    await trainIris(hub, alice, 'iris');
    key = await apiKey(hub, alice, ['INFERENCE']);
  }, 300_000);
  afterAll(async () => {
    await Promise.all([...agents.values()].map((a) => a.stop()));
    await hub?.close();
  });

  it('loses no more than 0.1 % of requests when one of three replicas’ agents is killed, and places a new replica', async () => {
    await createDeployment(hub, alice.token, { name: 'steady', model: `${alice.username}/iris`, minReplicas: 3, maxReplicas: 3 });
    const before = await waitForDeployment(hub, alice.token, alice.username, 'steady', (d) => readyReplicas(d).length === 3);
    const victimNode = before.replicas[0].nodeId as string;
    const victim = [...nodeIds].find(([, id]) => id === victimNode)![0];
    let sent = 0;
    const results = await load(2000, 8, async (i) => {
      sent++;
      if (sent === 300) agents.get(victim)!.child.kill('SIGKILL');
      return predict('steady', i);
    });
    agents.delete(victim);
    const ok = results.filter((r) => r.status === 200).length;
    expect(ok / results.length, JSON.stringify(results.filter((r) => r.status !== 200).slice(0, 3).map((r) => r.answer.body))).toBeGreaterThanOrEqual(0.999);
    const after = await waitForDeployment(hub, alice.token, alice.username, 'steady', (d) => d.status === 'READY' && readyReplicas(d).length === 3 && readyReplicas(d).every((r: any) => r.nodeId !== victimNode));
    expect(new Set(readyReplicas(after).map((r: any) => r.nodeId)).size).toBe(3);
  }, 240_000);

  it('keeps 99 % of requests under 1 s with one replica taking 2 s per request among four', async () => {
    await startAgent('slow', ['--slots', '3', '--label', 'slow'], { AIMASS_AGENT_SERVE_DELAY_MS: '2000' });
    await createDeployment(hub, alice.token, { name: 'mixed', model: `${alice.username}/iris`, minReplicas: 4, maxReplicas: 4 });
    const ready = await waitForDeployment(hub, alice.token, alice.username, 'mixed', (d) => readyReplicas(d).length === 4);
    expect(readyReplicas(ready).map((r: any) => r.nodeId)).toContain(nodeIds.get('slow'));
    const results = await load(1000, 8, (i) => predict('mixed', i));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const fast = results.filter((r) => r.ms < 1000).length / results.length;
    expect(fast).toBeGreaterThanOrEqual(0.99);
  }, 240_000);

  it('refuses load far beyond capacity at once with Retry-After, stays ready, and recovers', async () => {
    await createDeployment(hub, alice.token, {
      name: 'tiny',
      model: `${alice.username}/iris`,
      minReplicas: 1,
      maxReplicas: 1,
      requirements: { labels: ['slow'] },
      batching: { maxBatchSize: 1, maxQueueDelayMs: 0 },
    });
    await waitForDeployment(hub, alice.token, alice.username, 'tiny', (d) => readyReplicas(d).length === 1);
    // In use before the rush: the hub has measured how long it takes.
    for (let i = 0; i < 2; i++) expect((await predict('tiny', i, { 'x-request-timeout-ms': '20000' })).status).toBe(200);
    const probes: number[] = [];
    let loading = true;
    const prober = (async () => {
      while (loading) {
        const started = performance.now();
        const res = await fetch(`${hub.url}/readyz`);
        expect(res.status).toBe(200);
        probes.push(performance.now() - started);
      }
    })();
    // Two seconds per request, one at a time: capacity is half a request a second.
    const results = await load(400, 200, (i) => predict('tiny', i, { 'x-request-timeout-ms': '5000' }));
    loading = false;
    await prober;
    const refused = results.filter((r) => r.status === 429 || r.status === 503);
    expect(refused.length).toBeGreaterThan(300);
    expect(refused.every((r) => Number(r.answer.headers.get('retry-after')) >= 1)).toBe(true);
    expect(refused.every((r) => typeof r.answer.body.error === 'string')).toBe(true);
    // Refused at once: well inside the 2 s one request takes (client-observed, 200 connections opened
    // together on a machine the agents, the database and other test files share; a queued request
    // would take 2 s or more).
    expect(percentile(refused.map((r) => r.ms), 50)).toBeLessThan(1000);
    // Nothing else: each request was answered, refused or ran out of its deadline (504).
    expect(results.every((r) => [200, 429, 503, 504].includes(r.status))).toBe(true);
    expect(probes.length).toBeGreaterThan(0);
    expect(percentile(probes, 99)).toBeLessThan(1000);
    // Load gone: the deployment serves again.
    const again = await predict('tiny', 0, { 'x-request-timeout-ms': '20000' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
  }, 240_000);

  it('rolls to a new version under load without a failed request: new replicas ready before old ones stop', async () => {
    await trainIris(hub, alice, 'iris', 'PRIVATE', true);
    const versions: number[] = [];
    let updated = false;
    const results = await load(1500, 4, async (i) => {
      if (i === 100) {
        updated = true;
        const res = await hub.graphql(`mutation($o: String!) { updateDeployment(owner: $o, name: "steady", input: { version: 2 }) { versionNumber } }`, { o: alice.username }, alice.token);
        expect(res.errors).toBeUndefined();
      }
      const answer = await tfServingPredict(hub, key, alice.username, 'steady', { instances: [rows[i % rows.length]] });
      if (answer.status === 200 && updated) versions.push(Number(answer.headers.get('x-model-version') ?? 0));
      return answer;
    });
    expect(results.filter((r) => r.status !== 200).map((r) => r.answer.body)).toEqual([]);
    const done = await waitForDeployment(hub, alice.token, alice.username, 'steady', (d) => d.status === 'READY' && d.replicas.length === 3 && d.replicas.every((r: any) => r.versionNumber === 2 && r.state === 'READY'));
    expect(done.versionNumber).toBe(2);
    const last = await predict('steady', 0);
    expect(last.status).toBe(200);
    expect((await getDeployment(hub, alice.token, alice.username, 'steady')).versionNumber).toBe(2);
  }, 300_000);
});
