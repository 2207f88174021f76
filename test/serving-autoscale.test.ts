/**
 * Autoscaling on a real hub, real PostgreSQL and real agent processes serving a classifier trained
 * by SQL: settings are refused naming the field; a step in load (many concurrent slow requests:
 * each replica batches for up to a second) panics the autoscaler and scales the deployment up
 * within the panic window, never past maxReplicas; once the load is gone it scales down after the
 * stable window and the delay, never below minReplicas; a deployment that opted in scales to zero
 * when idle (status IDLE), the next requests are held through the cold start and answered, and a
 * request whose deadline comes first is refused 503 with Retry-After; the demand two hubs see is
 * added up (each alone would want fewer replicas than both together).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentProcess } from './support/agent.js';
import { connectAgent } from './support/connect-agent.js';
import { FAST_SCHEDULER, waitFor } from './support/compute.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { apiKey, tfServingPredict, trainIris, type HttpAnswer } from './support/serving.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const FIELDS = `id status statusMessage minReplicas maxReplicas
  autoscaling { targetConcurrency stableWindowSeconds panicWindowSeconds scaleDownDelaySeconds scaleToZeroAfterSeconds }
  autoscaler { wantedReplicas observedConcurrency panicConcurrency panicking lastScaledAt lastActiveAt reason }
  replicas { id state }`;
const CREATE = `mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { ${FIELDS} } }`;
const GET = `query($o: String!, $n: String!) { deployment(owner: $o, name: $n) { ${FIELDS} } }`;
const TICK_MS = 250;

describe('Autoscaling: reactive scaling and scale to zero', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let key: string;
  const agents: AgentProcess[] = [];
  const instance = { petal: 1.4, sepal: 5.1, color: 'red' };

  beforeAll(async () => {
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_SERVE_SPREAD_WAIT_SECONDS: '1', AIMASS_SERVE_AUTOSCALE_TICK_MS: String(TICK_MS), AIMASS_SERVE_RECONCILE_MS: '1000' } });
    alice = await signUp(hub);
    for (const name of ['a1', 'a2']) agents.push((await connectAgent(hub, alice.token, name, ['--slots', '2'])).agent);
    await trainIris(hub, alice, 'iris');
    key = await apiKey(hub, alice, ['INFERENCE']);
  }, 300_000);
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await hub?.close();
  });

  const create = (input: Record<string, unknown>) => hub.graphql(CREATE, { input: { model: `${alice.username}/iris`, ...input } }, alice.token);
  const get = async (name: string) => {
    const res = await hub.graphql(GET, { o: alice.username, n: name }, alice.token);
    expect(res.errors).toBeUndefined();
    return res.data.deployment;
  };
  const until = (name: string, done: (d: any) => boolean, timeoutMs = 120_000, each?: (d: any) => void) =>
    waitFor(`deployment ${name}`, async () => {
      const d = await get(name);
      each?.(d);
      return done(d) ? d : undefined;
    }, timeoutMs);
  const active = (d: any) => d.replicas.filter((r: any) => r.state !== 'STOPPING');
  const ready = (d: any) => d.replicas.filter((r: any) => r.state === 'READY').length;
  const predict = (name: string, headers: Record<string, string> = {}): Promise<HttpAnswer> => tfServingPredict(hub, key, alice.username, name, { instances: [instance] }, { headers });

  it('refuses bad autoscaling settings naming the field, and creates nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ autoscaling: { targetConcurrency: 0 } }, 'autoscaling.targetConcurrency'],
      [{ autoscaling: { stableWindowSeconds: 0 } }, 'autoscaling.stableWindowSeconds'],
      [{ autoscaling: { stableWindowSeconds: 10, panicWindowSeconds: 11 } }, 'autoscaling.panicWindowSeconds'],
      [{ autoscaling: { scaleDownDelaySeconds: 4000 } }, 'autoscaling.scaleDownDelaySeconds'],
      [{ minReplicas: 1, autoscaling: { scaleToZeroAfterSeconds: 30 } }, 'autoscaling.scaleToZeroAfterSeconds'],
      [{ minReplicas: 0, autoscaling: {} }, 'autoscaling.scaleToZeroAfterSeconds'],
    ];
    for (const [input, field] of cases) {
      const res = await create({ name: 'bad-autoscaling', ...input });
      expect(codeOf(res), JSON.stringify(input)).toBe('BAD_USER_INPUT');
      expect((res.errors![0].extensions!.fields ?? []).map((f: any) => f.field), JSON.stringify(input)).toContain(field);
    }
    const none = await hub.graphql(`query { deployments(first: 10) { edges { node { name } } } }`, {}, alice.token);
    expect(JSON.stringify(none.data)).not.toContain('bad-autoscaling');
  });

  it('turns autoscaling on, changes the fields given, checks them against minReplicas, and turns it off', async () => {
    const UPDATE = `mutation($n: String!, $input: UpdateDeploymentInput!) { updateDeployment(owner: "${alice.username}", name: $n, input: $input) { ${FIELDS} } }`;
    const update = (input: Record<string, unknown>) => hub.graphql(UPDATE, { n: 'toggled', input }, alice.token);
    expect((await create({ name: 'toggled', minReplicas: 1, maxReplicas: 2 })).data.createDeployment.autoscaling).toBeNull();
    const on = await update({ autoscaling: { targetConcurrency: 3 } });
    expect(on.errors).toBeUndefined();
    expect(on.data.updateDeployment.autoscaling).toEqual({ targetConcurrency: 3, stableWindowSeconds: 60, panicWindowSeconds: 6, scaleDownDelaySeconds: 30, scaleToZeroAfterSeconds: null });
    const changed = await update({ autoscaling: { stableWindowSeconds: 30 } });
    expect(changed.data.updateDeployment.autoscaling).toMatchObject({ targetConcurrency: 3, stableWindowSeconds: 30 });
    const zeroWithout = await update({ minReplicas: 0 });
    expect(codeOf(zeroWithout)).toBe('BAD_USER_INPUT');
    expect(zeroWithout.errors![0].extensions!.fields!.map((f: any) => f.field)).toContain('autoscaling.scaleToZeroAfterSeconds');
    const zero = await update({ minReplicas: 0, autoscaling: { scaleToZeroAfterSeconds: 600 } });
    expect(zero.data.updateDeployment.autoscaling.scaleToZeroAfterSeconds).toBe(600);
    const off = await update({ minReplicas: 1, autoscaling: null });
    expect(off.errors).toBeUndefined();
    expect(off.data.updateDeployment.autoscaling).toBeNull();
    expect(off.data.updateDeployment.autoscaler).toBeNull();
    await hub.graphql(`mutation { deleteDeployment(owner: "${alice.username}", name: "toggled") }`, {}, alice.token);
  });

  it('scales up on a step in load within the panic window, never past max, and back down to min after the stable window and delay', async () => {
    const settings = { targetConcurrency: 2, stableWindowSeconds: 4, panicWindowSeconds: 2, scaleDownDelaySeconds: 2 };
    const res = await create({ name: 'steps', minReplicas: 1, maxReplicas: 3, batching: { maxBatchSize: 1024, maxQueueDelayMs: 1000 }, autoscaling: settings });
    expect(res.errors).toBeUndefined();
    expect(res.data.createDeployment.autoscaling).toEqual({ ...settings, scaleToZeroAfterSeconds: null });
    await until('steps', (d) => d.status === 'READY' && ready(d) === 1);
    // Idle with min 1: it keeps one replica (it did not opt in to scaling to zero).
    const idle = await until('steps', (d) => d.autoscaler !== null && d.autoscaler.observedConcurrency === 0);
    expect(idle.autoscaler.wantedReplicas).toBe(1);

    // The step: 16 clients, each sending again as soon as answered; every request waits up to 1 s for its batch.
    let running = true;
    const statuses: number[] = [];
    const client = async () => {
      while (running) statuses.push((await predict('steps')).status);
    };
    const stepAt = Date.now();
    const clients = Array.from({ length: 16 }, client);
    let most = 0;
    const scaled = await until(
      'steps',
      (d) => d.autoscaler.wantedReplicas === 3,
      60_000,
      (d) => (most = Math.max(most, d.autoscaler.wantedReplicas, active(d).length)),
    );
    // Panic reacts on the short window: 16 in flight is ≥ 2× the capacity of one replica at 2 each.
    expect(scaled.autoscaler.panicking).toBe(true);
    expect(scaled.autoscaler.reason).toMatch(/^panic/);
    expect(new Date(scaled.autoscaler.lastScaledAt).getTime() - stepAt).toBeLessThan(settings.panicWindowSeconds * 1000 + 4 * TICK_MS + 2000);
    const full = await until('steps', (d) => ready(d) === 3, 120_000, (d) => (most = Math.max(most, d.autoscaler.wantedReplicas, active(d).length)));
    expect(full.autoscaler.wantedReplicas).toBe(3);
    expect(most).toBe(3);

    running = false;
    await Promise.all(clients);
    const goneAt = Date.now();
    expect(statuses.every((s) => s === 200)).toBe(true);
    const down = await until('steps', (d) => d.autoscaler.wantedReplicas === 1 && active(d).length === 1, 120_000, (d) => expect(d.autoscaler.wantedReplicas).toBeGreaterThanOrEqual(1));
    // Not before the stable window has seen the load go and the delay has passed.
    expect(new Date(down.autoscaler.lastScaledAt).getTime() - goneAt).toBeGreaterThanOrEqual(settings.scaleDownDelaySeconds * 1000 - TICK_MS);
    expect(down.status).toBe('READY');
    expect(down.autoscaler.panicking).toBe(false);
  }, 300_000);

  it('scales to zero when idle (opted in), holds the next requests through the cold start and answers them', async () => {
    const settings = { targetConcurrency: 10, stableWindowSeconds: 2, panicWindowSeconds: 1, scaleDownDelaySeconds: 0, scaleToZeroAfterSeconds: 3 };
    const res = await create({ name: 'sleepy', minReplicas: 0, maxReplicas: 2, autoscaling: settings });
    expect(res.errors).toBeUndefined();
    // It starts with one replica, then, idle, goes to zero.
    let last: any;
    const zero = await until('sleepy', (d) => d.status === 'IDLE' && active(d).length === 0, 30_000, (d) => (last = d)).catch((e) => {
      throw new Error(`${e.message}: ${JSON.stringify(last)}`);
    });
    expect(zero.autoscaler.wantedReplicas).toBe(0);
    expect(zero.autoscaler.reason).toMatch(/scaled to zero/);

    // Requests to a deployment at zero: held, not failed, and answered once a replica is ready.
    const answers = await Promise.all(Array.from({ length: 5 }, () => predict('sleepy', { 'X-Request-Timeout-Ms': '60000' })));
    for (const a of answers) {
      expect(a.status, JSON.stringify(a.body)).toBe(200);
      expect(a.body.predictions[0].label).toBeTypeOf('string');
    }
    const woken = await get('sleepy');
    expect(['READY', 'DEGRADED']).toContain(woken.status);
    expect(ready(woken)).toBeGreaterThanOrEqual(1);
    expect(woken.autoscaler.wantedReplicas).toBeGreaterThanOrEqual(1);

    // Idle again: back to zero. A request whose deadline is shorter than a cold start gets a clear 503 with Retry-After.
    await until('sleepy', (d) => d.status === 'IDLE' && active(d).length === 0);
    const late = await predict('sleepy', { 'X-Request-Timeout-Ms': '50' });
    expect(late.status).toBe(503);
    expect(Number(late.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.stringify(late.body)).toMatch(/scaled to zero/);
    // That request still started a replica; it finishes starting, then, idle, goes back to zero.
    await until('sleepy', (d) => ready(d) === 1);
    await until('sleepy', (d) => d.status === 'IDLE' && active(d).length === 0);
  }, 300_000);

  it('adds up the demand every hub sees', async () => {
    const peer = await hub.peer({ ...FAST_SCHEDULER, AIMASS_SERVE_AUTOSCALE_TICK_MS: String(TICK_MS), AIMASS_SERVE_RECONCILE_MS: '1000' });
    try {
      const settings = { targetConcurrency: 4, stableWindowSeconds: 4, panicWindowSeconds: 2, scaleDownDelaySeconds: 60 };
      const res = await create({ name: 'shared', minReplicas: 1, maxReplicas: 3, batching: { maxBatchSize: 1024, maxQueueDelayMs: 1000 }, autoscaling: settings });
      expect(res.errors).toBeUndefined();
      await until('shared', (d) => d.status === 'READY' && ready(d) === 1);
      // 6 slow clients on each hub: 6 in flight alone wants 2 replicas at 4 each and is no panic; 12 together panic to 3.
      let running = true;
      const statuses: number[] = [];
      const client = (target: TestHub) => async () => {
        while (running) statuses.push((await tfServingPredict(target, key, alice.username, 'shared', { instances: [instance] })).status);
      };
      const clients = [...Array.from({ length: 6 }, client(hub)), ...Array.from({ length: 6 }, client(peer))];
      const scaled = await until('shared', (d) => d.autoscaler.wantedReplicas === 3, 60_000);
      running = false;
      await Promise.all(clients);
      expect(scaled.autoscaler.panicConcurrency).toBeGreaterThan(8);
      expect(statuses.every((s) => s === 200)).toBe(true);
    } finally {
      await peer.close();
    }
  }, 300_000);
});
