/**
 * Budgets on a real hub, real PostgreSQL and a real agent serving a classifier trained by SQL.
 * Replica time is metered on a clock the test drives: the test runs the metering step
 * (`meterSpans`, until it has metered every span: the hub's own pass may hold them) with a time
 * ahead of the real one, so a replica "has been ready" for exactly the
 * hours the test says, and the hub's own keeper — which judges budgets on its tick — sees that use.
 *
 * - bad budgets are refused naming the field; a budget is only for those who may change the deployment;
 * - STOP: at 80 % the warning, at 100 % the deployment stops (status STOPPED, the message says why),
 *   with each event (BUDGET_WARNING, BUDGET_EXCEEDED) once in the timeline, the owner's inbox and a
 *   webhook; the use is exact; a raised budget starts it again (BUDGET_LIFTED);
 * - CAP: an autoscaled deployment scaled up by load is held at its minimum while the load goes on,
 *   the autoscaler's reason says so, and a removed budget lets it scale up again;
 * - the month's use survives a hub restart.
 */
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meterSpans } from '../hub/src/serving/budgets/replica-hours.js';
import { type AgentProcess } from './support/agent.js';
import { connectAgent } from './support/connect-agent.js';
import { FAST_SCHEDULER, waitFor } from './support/compute.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { apiKey, tfServingPredict, trainIris } from './support/serving.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';
import { startReceiver } from './support/webhook-receiver.js';

const H = 3_600_000;
const BUDGET = `budget { limitReplicaHours usedReplicaHours month action held warnedAt exceededAt }`;
const FIELDS = `id status statusMessage minReplicas maxReplicas replicas { id state readyAt }
  autoscaler { wantedReplicas reason } ${BUDGET}`;
const CREATE = `mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { ${FIELDS} } }`;
const GET = `query($o: String!, $n: String!) { deployment(owner: $o, name: $n) { ${FIELDS} } }`;
const TIMELINE = `query($o: String!, $n: String!) { deployment(owner: $o, name: $n) { timeline(first: 20, kinds: ["BUDGET_WARNING", "BUDGET_EXCEEDED", "BUDGET_LIFTED"]) { edges { node { kind message detail } } } } }`;
const INBOX = `{ notifications(first: 50) { edges { node { kind message subject { kind owner name } } } } }`;
const SUBSCRIPTION_TO = `query($o: String!, $n: String!) { subscriptionTo(kind: DEPLOYMENT, owner: $o, name: $n) { id } }`;
const ADD_WEBHOOK = `mutation($id: ID!, $url: String!) { updateSubscription(id: $id, input: { webhookUrl: $url }) { webhookSecret } }`;
const SET = `mutation($o: String!, $n: String!, $b: DeploymentBudgetInput) { setDeploymentBudget(owner: $o, name: $n, budget: $b) { ${FIELDS} } }`;

describe('Budgets: monthly replica-hours, the warning and the action', () => {
  let hub: TestHub;
  let db: DataSource;
  let alice: SignedUp;
  let key: string;
  const agents: AgentProcess[] = [];
  const receiver = startReceiver();
  // A limit that fits in what is left of this month, so the metered hours all fall in it.
  const hoursLeft = (Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1) - Date.now()) / H;
  const limit = Math.min(1, Math.floor((hoursLeft / 4) * 1000) / 1000);

  beforeAll(async () => {
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_SERVE_SPREAD_WAIT_SECONDS: '1', AIMASS_SERVE_AUTOSCALE_TICK_MS: '250', AIMASS_SERVE_RECONCILE_MS: '1000', AIMASS_BUDGET_TICK_MS: '200', AIMASS_WEBHOOK_ALLOW_PRIVATE: 'true', AIMASS_WEBHOOK_RETRY_BASE_MS: '200' } });
    db = await new DataSource({ type: 'postgres', url: await hub.databaseUrl(), poolSize: 2 }).initialize();
    alice = await signUp(hub);
    for (const name of ['b1', 'b2']) agents.push((await connectAgent(hub, alice.token, name, ['--slots', '2'])).agent);
    await trainIris(hub, alice, 'iris');
    key = await apiKey(hub, alice, ['INFERENCE']);
  }, 300_000);
  afterAll(async () => {
    await db?.destroy();
    await Promise.all(agents.map((a) => a.stop()));
    await (await receiver).close();
    await hub?.close();
  });

  const get = async (name: string) => {
    const res = await hub.graphql(GET, { o: alice.username, n: name }, alice.token);
    expect(res.errors).toBeUndefined();
    return res.data.deployment;
  };
  /** Polls the deployment until `done`; on timeout the error shows the state last seen (under the test's own timeout, so it is the error printed). */
  const until = async (name: string, done: (d: any) => boolean, timeoutMs = 40_000, each?: (d: any) => void) => {
    let last: unknown;
    return waitFor(`deployment ${name}`, async () => {
      const d = await get(name);
      last = d;
      each?.(d);
      return done(d) ? d : undefined;
    }, timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}; last seen: ${JSON.stringify(last)}`);
    });
  };
  const create = async (input: Record<string, unknown>) => {
    const res = await hub.graphql(CREATE, { input: { model: `${alice.username}/iris`, ...input } }, alice.token);
    expect(res.errors).toBeUndefined();
    return res.data.createDeployment;
  };
  const setBudget = (name: string, budget: Record<string, unknown> | null, token = alice.token) => hub.graphql(SET, { o: alice.username, n: name, b: budget }, token);
  const active = (d: any) => d.replicas.filter((r: any) => r.state !== 'STOPPING');
  const ready = (d: any) => d.replicas.filter((r: any) => r.state === 'READY');
  /**
   * Meters every replica's ready span as of `now` (ahead of the clock), again until none is left
   * behind it: meterSpans passes over a span another transaction is metering (SKIP LOCKED, so two
   * hubs never meter one stretch twice), and the hub's own budget pass, every 200 ms here, holds
   * the spans while it meters them up to the real time.
   */
  const meterAll = (now: number) =>
    waitFor('every ready span metered', async () => {
      await meterSpans(db, now);
      const [{ behind }] = await db.query(
        `SELECT count(*)::int AS behind FROM replica_ready_spans
         WHERE coalesce(metered_until, started_at) < to_timestamp($1 / 1000.0) AND (ended_at IS NULL OR coalesce(metered_until, started_at) < ended_at)`,
        [now],
      );
      return behind === 0;
    }, 20_000);
  /** The replica's ready time, as the hub recorded it (the span's start). */
  const readySince = async (name: string) => {
    const d = await until(name, (x) => x.status === 'READY');
    return Math.min(...ready(d).map((r: any) => Date.parse(r.readyAt)));
  };

  it('refuses a bad budget naming the field, and shows and changes budgets only for those who may change the deployment', async () => {
    await create({ name: 'rules', minReplicas: 0 });
    for (const bad of [0, -1, 2e6]) {
      const res = await setBudget('rules', { limitReplicaHours: bad });
      expect(codeOf(res), String(bad)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions!.fields!.map((f: any) => f.field)).toEqual(['budget.limitReplicaHours']);
    }
    const set = await setBudget('rules', { limitReplicaHours: 12.5 });
    expect(set.errors).toBeUndefined();
    expect(set.data.setDeploymentBudget.budget).toMatchObject({ limitReplicaHours: 12.5, usedReplicaHours: 0, action: 'CAP', held: false, warnedAt: null, exceededAt: null });
    expect(set.data.setDeploymentBudget.budget.month).toBe(new Date().toISOString().slice(0, 7));
    const bob = await signUp(hub);
    expect(codeOf(await setBudget('rules', { limitReplicaHours: 1 }, bob.token))).toBe('NOT_FOUND');
    const cleared = await setBudget('rules', null);
    expect(cleared.data.setDeploymentBudget.budget).toBeNull();
  });

  it('STOP: warns at 80 %, stops at 100 % with the use exact, each once in the timeline, the inbox and a webhook; a raised budget starts it again', async () => {
    const webhooks = await receiver;
    await create({ name: 'stopper', minReplicas: 1 });
    // Its creator follows it; a webhook on that subscription receives its events.
    const followed = await hub.graphql(SUBSCRIPTION_TO, { o: alice.username, n: 'stopper' }, alice.token);
    expect((await hub.graphql(ADD_WEBHOOK, { id: followed.data.subscriptionTo.id, url: webhooks.url('/stopper') }, alice.token)).errors).toBeUndefined();
    const since = await readySince('stopper');
    expect((await setBudget('stopper', { limitReplicaHours: limit, action: 'STOP' })).errors).toBeUndefined();

    // 85 % of the limit: the warning, and nothing held.
    await meterAll(since + 0.85 * limit * H);
    const warned = await until('stopper', (d) => d.budget.warnedAt !== null);
    expect(warned.budget).toMatchObject({ held: false, exceededAt: null, action: 'STOP' });
    expect(warned.status).toBe('READY');
    expect(warned.budget.usedReplicaHours).toBeCloseTo(0.85 * limit, 6);

    // The whole limit: stopped, and it says why.
    await meterAll(since + limit * H);
    const stopped = await until('stopper', (d) => d.status === 'STOPPED' && active(d).length === 0);
    expect(stopped.statusMessage).toMatch(/^stopped by its monthly budget/);
    expect(stopped.budget).toMatchObject({ held: true, action: 'STOP' });
    expect(stopped.budget.exceededAt).not.toBeNull();
    // Exact: the replica's ready time up to the metered moment, to the millisecond (it stopped before the real clock got there).
    expect(stopped.budget.usedReplicaHours).toBeCloseTo(limit, 6);
    const later = await get('stopper');
    expect(later.budget.usedReplicaHours).toBeCloseTo(limit, 6);
    // A request is refused at once, saying why and for how long (not held for a replica that will not start).
    const refused = await tfServingPredict(hub, key, alice.username, 'stopper', { instances: [{ petal: 1.4, sepal: 5.1, color: 'red' }] });
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatch(/is stopped by its monthly budget/);
    expect(Number(refused.headers.get('retry-after'))).toBe(3600);

    // Each event once: the timeline, the inbox, the webhook.
    const month = new Date().toISOString().slice(0, 7);
    const timeline = (await hub.graphql(TIMELINE, { o: alice.username, n: 'stopper' }, alice.token)).data.deployment.timeline.edges.map((e: any) => e.node);
    expect(timeline.map((e: any) => e.kind)).toEqual(['BUDGET_EXCEEDED', 'BUDGET_WARNING']);
    expect(timeline[1].detail).toMatchObject({ month, limitReplicaHours: limit, action: 'STOP' });
    expect(timeline[1].detail.share).toBeCloseTo(0.85, 3);
    expect(timeline[0].message).toMatch(/^budget used up: .* the deployment is stopped until next month$/);
    const inbox = (await hub.graphql(INBOX, {}, alice.token)).data.notifications.edges.map((e: any) => e.node);
    const budgetMail = inbox.filter((n: any) => n.kind === 'DEPLOYMENT_EVENT' && /budget/.test(n.message));
    expect(budgetMail.map((n: any) => n.message.replace(/:.*/s, ''))).toEqual([`Deployment ${alice.username}/stopper`, `Deployment ${alice.username}/stopper`]);
    expect(budgetMail.filter((n: any) => /budget warning: /.test(n.message))).toHaveLength(1);
    expect(budgetMail.filter((n: any) => /budget used up: /.test(n.message))).toHaveLength(1);
    await waitFor('both budget events at the webhook', async () => webhooks.at('/stopper').length >= 2, 30_000);
    const kinds = webhooks.at('/stopper').map((r) => JSON.parse(r.body).deploymentEvent.kind);
    expect(kinds.sort()).toEqual(['BUDGET_EXCEEDED', 'BUDGET_WARNING']);
    // Later judgements add nothing.
    await until('stopper', (d) => Date.parse(d.budget.exceededAt) < Date.now() - 1000);
    expect((await hub.graphql(TIMELINE, { o: alice.username, n: 'stopper' }, alice.token)).data.deployment.timeline.edges).toHaveLength(2);
    expect(webhooks.at('/stopper')).toHaveLength(2);

    // A raised budget lifts the stop: a replica is placed and serves again.
    expect((await setBudget('stopper', { limitReplicaHours: limit * 10, action: 'STOP' })).errors).toBeUndefined();
    const again = await until('stopper', (d) => d.status === 'READY');
    expect(again.statusMessage).toBeNull();
    expect(again.budget).toMatchObject({ held: false, exceededAt: null });
    expect((await tfServingPredict(hub, key, alice.username, 'stopper', { instances: [{ petal: 1.4, sepal: 5.1, color: 'red' }] })).status).toBe(200);
    const lifted = (await hub.graphql(TIMELINE, { o: alice.username, n: 'stopper' }, alice.token)).data.deployment.timeline.edges.map((e: any) => e.node.kind);
    expect(lifted[0]).toBe('BUDGET_LIFTED');
    // Stopped again for what comes after: the last test reads a use that no longer moves.
    expect((await setBudget('stopper', { limitReplicaHours: limit, action: 'STOP' })).errors).toBeUndefined();
    await until('stopper', (d) => d.status === 'STOPPED' && active(d).length === 0);
  }, 180_000);

  it('CAP: an autoscaled deployment scaled up by load is held at its minimum while the load goes on', async () => {
    await create({
      name: 'capped',
      minReplicas: 1,
      maxReplicas: 2,
      batching: { maxBatchSize: 1024, maxQueueDelayMs: 1000 },
      autoscaling: { targetConcurrency: 1, stableWindowSeconds: 4, panicWindowSeconds: 2, scaleDownDelaySeconds: 0 },
    });
    const since = await readySince('capped');
    expect((await setBudget('capped', { limitReplicaHours: limit })).errors).toBeUndefined();

    let running = true;
    const failures: string[] = [];
    const client = async () => {
      while (running) {
        await tfServingPredict(hub, key, alice.username, 'capped', { instances: [{ petal: 1.4, sepal: 5.1, color: 'red' }] }).catch((error: Error) => {
          failures.push(error.message);
          running = false;
        });
      }
    };
    const clients = Array.from({ length: 8 }, client);
    try {
      await until('capped', (d) => d.autoscaler?.wantedReplicas === 2 && ready(d).length === 2);
      // Both replicas count from when each was ready: metering far enough puts the month past the limit.
      await meterAll(since + limit * H);
      let most = 0;
      const held = await until('capped', (d) => d.budget.held && active(d).length === 1 && /held at 1 by its monthly budget \(2 wanted\)/.test(d.autoscaler.reason));
      expect(held.autoscaler.wantedReplicas).toBe(1);
      expect(held.statusMessage).toMatch(/^capped by its monthly budget/);
      // Still under load, it stays at one replica through several decisions.
      await until('capped', (d) => {
        most = Math.max(most, active(d).length, d.autoscaler.wantedReplicas);
        return Date.parse(d.budget.exceededAt) < Date.now() - 2000;
      });
      expect(most).toBe(1);

      // Without the budget, the same load scales it up again.
      expect((await setBudget('capped', null)).errors).toBeUndefined();
      const free = await until('capped', (d) => d.autoscaler.wantedReplicas === 2);
      expect(free.budget).toBeNull();
    } finally {
      running = false;
      await Promise.all(clients);
    }
    expect(failures).toEqual([]);
    // Four waits of up to 40 s each: a stage that hangs fails with its own message, not the test's timeout.
  }, 180_000);

  it("keeps the month's use across a hub crash and restart", async () => {
    const before = (await get('stopper')).budget.usedReplicaHours;
    expect(before).toBeGreaterThan(limit);
    // A crash: nothing is written on the way out.
    await hub.kill();
    await hub.restart();
    const after = await get('stopper');
    expect(after.budget.usedReplicaHours).toBeCloseTo(before, 6);
    expect(after.status).toBe('STOPPED');
  });
});
