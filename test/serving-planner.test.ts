/**
 * The predictive planner and capacity sharing on a real hub, real PostgreSQL and a real agent
 * serving a classifier trained by SQL. A week of a daily request pattern is written into the
 * monitoring tiers (what a week of traffic leaves there); the planner runs in this process on the
 * hub's database with a clock the test sets (a day back, then now), reading that history through
 * the monitoring reader:
 *
 * - the forecast it stored for the last day is shown beside the requests that came, with its
 *   error (MAPE), through GraphQL;
 * - its plan ahead of the rise due in a few minutes raises the floor, and the hub's own
 *   autoscaler places the replicas before any of that traffic arrives;
 * - a deployment with no history stays reactive and says so;
 * - when the network holds fewer replicas than every deployment wants, the hub's capacity
 *   sharing holds the planned deployment at its share and its owner reads why in `waitingReason`;
 *   once capacity frees up it gets them all again.
 */
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Planner } from '../hub/src/serving/autoscale/planner.js';
import { requestHistory } from '../hub/src/serving/autoscale/create-planning.js';
import { MetricsService } from '../hub/src/serving/monitoring/metrics.service.js';
import { createLogger } from '../hub/src/logger.js';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, waitFor } from './support/compute.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { apiKey, tfServingPredict, trainIris } from './support/serving.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const DAY = 86_400_000;
const SLOT = 15 * 60_000;
const TIERS = [
  { resolutionSeconds: 10, keepSeconds: 86_400 },
  { resolutionSeconds: 60, keepSeconds: 30 * 86_400 },
  { resolutionSeconds: 3600, keepSeconds: 365 * 86_400 },
];
const CONFIG = { everyMinutes: 5, slotMinutes: 15, historyDays: 28, minHistoryDays: 3, defaultStartSeconds: 120, replicasPerNode: 4 };
const FIELDS = `id status minReplicas maxReplicas waitingReason
  autoscaling { targetConcurrency predictive }
  autoscaler { wantedReplicas reason }
  planner { forecasting floor active expectedRequestsPerSecond replicaStartSeconds replicaStartMeasured secondsInFlight historyDays minHistoryDays heldOutMape reason }
  replicas { id state }`;

describe('Autoscaling: the predictive planner and capacity sharing', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let key: string;
  let db: DataSource;
  let agent: AgentProcess;
  let clockNow = Date.now();
  let planner: Planner;

  beforeAll(async () => {
    hub = await startTestHub({
      env: { ...FAST_SCHEDULER, AIMASS_SERVE_SPREAD_WAIT_SECONDS: '1', AIMASS_SERVE_AUTOSCALE_TICK_MS: '250', AIMASS_SERVE_RECONCILE_MS: '1000', AIMASS_SERVE_REPLICAS_PER_NODE: '4' },
    });
    alice = await signUp(hub);
    const node = await registerNode(hub, alice.token, 'p1');
    agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'p1', '--slots', '4']);
    await agent.waitFor(/connected to hub/);
    await trainIris(hub, alice, 'iris');
    key = await apiKey(hub, alice, ['INFERENCE']);
    db = await new DataSource({ type: 'postgres', url: await hub.databaseUrl(), poolSize: 3 }).initialize();
    const clock = { now: () => clockNow };
    const metrics = new MetricsService(db, TIERS, clock, async () => undefined);
    planner = new Planner(db, CONFIG, requestHistory(metrics), createLogger({ logLevel: 'silent' } as never), clock);
  }, 300_000);
  afterAll(async () => {
    await db?.destroy();
    await agent?.stop();
    await hub?.close();
  });

  const create = async (input: Record<string, unknown>) => {
    const res = await hub.graphql(`mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { ${FIELDS} } }`, { input: { model: `${alice.username}/iris`, ...input } }, alice.token);
    expect(res.errors).toBeUndefined();
    return res.data.createDeployment;
  };
  const get = async (name: string, extra = '') => {
    const res = await hub.graphql(`query($o: String!, $n: String!) { deployment(owner: $o, name: $n) { ${FIELDS} ${extra} } }`, { o: alice.username, n: name }, alice.token);
    expect(res.errors).toBeUndefined();
    return res.data.deployment;
  };
  /** Waits for the deployment to satisfy `done`; a timeout says what it last was. */
  const until = async (name: string, done: (d: any) => boolean, timeoutMs = 120_000) => {
    let last: unknown;
    try {
      return await waitFor(`deployment ${name}`, async () => {
        const d = await get(name);
        last = d;
        return done(d) ? d : undefined;
      }, timeoutMs);
    } catch (error) {
      throw new Error(`${(error as Error).message}; it was ${JSON.stringify(last)}`);
    }
  };
  const ready = (d: any) => d.replicas.filter((r: any) => r.state === 'READY').length;

  /**
   * Eight days of history in the 1 min tier, as the rollup leaves it: 20 req/s, and 1000 req/s for
   * four hours a day from `riseAt` (± 10 % by the minute); the rollup marked done up to its end.
   */
  async function writeHistory(deploymentId: string, riseAt: number): Promise<void> {
    const end = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const [{ version }] = await hub.sql(`SELECT version_number AS version FROM deployments WHERE id = $1`, [deploymentId]);
    await hub.sql(
      `INSERT INTO serving_metrics (resolution, bucket, deployment_id, version, replica, requests)
       SELECT 60, b, $1, $2, '', round(60 * (CASE WHEN ((((extract(epoch FROM b) * 1000 - $3::float8)::bigint % 86400000) + 86400000) % 86400000) < 4 * 3600000 THEN 1000 ELSE 20 END)
                                * (1 + 0.1 * sin(extract(epoch FROM b) / 60)))
       FROM generate_series($4::timestamptz, $5::timestamptz, interval '1 minute') AS b`,
      [deploymentId, version, riseAt, new Date(end - 8 * DAY), new Date(end - 60_000)],
    );
    await hub.sql(
      `INSERT INTO serving_metric_tasks (task, done_until) VALUES ('rollup:60', $1) ON CONFLICT (task) DO UPDATE SET done_until = greatest(serving_metric_tasks.done_until, EXCLUDED.done_until)`,
      [new Date(end)],
    );
  }

  it('forecasts a deployment from its week of history, shows the forecast beside the traffic that came, and scales ahead of the rise', async () => {
    const created = await create({ name: 'daily', minReplicas: 1, maxReplicas: 3, autoscaling: { targetConcurrency: 1 } });
    expect(created.autoscaling.predictive).toBe(true);
    await until('daily', (d) => d.status === 'READY');
    // Real requests: the time a request is in flight is measured from them.
    for (let i = 0; i < 10; i++) expect((await tfServingPredict(hub, key, alice.username, 'daily', { instances: [{ petal: 1.4, sepal: 5.1, color: 'red' }] })).status).toBe(200);
    await waitFor('concurrency samples', async () => ((await hub.sql(`SELECT sum(requests) AS n FROM serving_concurrency WHERE deployment_id = $1`, [created.id]))[0].n >= 10 ? true : undefined));
    // The rise is due at the start of a forecast slot a few minutes ahead, every day.
    const riseAt = Math.ceil((Date.now() + 4 * 60_000) / SLOT) * SLOT;
    await writeHistory(created.id, riseAt);

    // A day back: the planner forecasts the day that has since passed.
    const stored = await planner.planOne(created.id, riseAt - 3 * 60_000 - DAY);
    expect(stored).toMatchObject({ forecasting: true });
    const slots = await hub.sql(`SELECT count(*)::int AS n FROM serving_forecasts WHERE deployment_id = $1`, [created.id]);
    expect(slots[0].n).toBeGreaterThanOrEqual(96);

    // Three minutes before the rise (within the lead: replica start + planner interval), one run of
    // the planner, claimed by this process, plans every predictive deployment; a second run so soon is not claimed.
    clockNow = riseAt - 3 * 60_000;
    await hub.sql(`UPDATE serving_metric_tasks SET done_until = NULL WHERE task = 'planner'`);
    expect(await planner.run()).toContain(created.id);
    expect(await planner.run()).toEqual([]);
    const d = await until('daily', (x) => x.autoscaler.wantedReplicas === 3 && ready(x) === 3);
    expect(d.planner).toMatchObject({ forecasting: true, floor: 3, active: true, minHistoryDays: 3, replicaStartMeasured: true });
    expect(d.planner.historyDays).toBeGreaterThanOrEqual(7);
    expect(d.planner.expectedRequestsPerSecond).toBeGreaterThan(800);
    expect(d.planner.secondsInFlight).toBeGreaterThan(0);
    expect(d.planner.heldOutMape).toBeGreaterThan(0);
    expect(d.planner.heldOutMape).toBeLessThan(0.15);
    expect(d.autoscaler.reason).toContain("kept at the planner's floor of 3");
    // No traffic reached it: the replicas were placed on the forecast alone, before the rise.
    expect(Date.now()).toBeLessThan(riseAt);

    // The last day's forecast beside the requests that came: close, with its error.
    const res = await hub.graphql(
      `query($o: String!, $n: String!, $from: DateTimeISO!, $to: DateTimeISO!) { deployment(owner: $o, name: $n) { forecast(from: $from, to: $to) { slotSeconds mape scoredSlots points { start requestsPerSecond lower upper actualRequestsPerSecond } } } }`,
      { o: alice.username, n: 'daily', from: new Date(Date.now() - DAY + SLOT).toISOString(), to: new Date(Date.now() + 6 * 3600_000).toISOString() },
      alice.token,
    );
    expect(res.errors).toBeUndefined();
    const forecast = res.data.deployment.forecast;
    expect(forecast.slotSeconds).toBe(900);
    expect(forecast.scoredSlots).toBeGreaterThan(80);
    expect(forecast.mape).toBeGreaterThan(0);
    expect(forecast.mape).toBeLessThan(0.15);
    const past = forecast.points.filter((p: any) => p.actualRequestsPerSecond !== null);
    const ahead = forecast.points.filter((p: any) => p.actualRequestsPerSecond === null);
    expect(ahead.length).toBeGreaterThanOrEqual(24);
    const peak = past.reduce((a: any, b: any) => (b.actualRequestsPerSecond > a.actualRequestsPerSecond ? b : a));
    expect(peak.requestsPerSecond).toBeGreaterThan(800);
    expect(peak.lower).toBeLessThanOrEqual(peak.requestsPerSecond);
    expect(peak.upper).toBeGreaterThanOrEqual(peak.requestsPerSecond);
    // The rise ahead is in the stored forecast.
    expect(Math.max(...ahead.map((p: any) => p.requestsPerSecond))).toBeGreaterThan(800);

    // A range the reader refuses names the field.
    const bad = await hub.graphql(`query($o: String!, $n: String!) { deployment(owner: $o, name: $n) { forecast(from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z") { mape } } }`, { o: alice.username, n: 'daily' }, alice.token);
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
  }, 300_000);

  it('stays reactive only with little history, and says so', async () => {
    const daily = await get('daily');
    const fresh = await create({ name: 'fresh', minReplicas: 1, maxReplicas: 2, autoscaling: {} });
    await until('fresh', (d) => d.status === 'READY');
    const plan = await planner.planOne(fresh.id, Date.now());
    expect(plan).toMatchObject({ forecasting: false, floor: 0, historyDays: 0 });
    const d = await get('fresh');
    expect(d.planner).toMatchObject({ forecasting: false, floor: 0, reason: 'reactive only: 0 day(s) of request history, the forecast needs 3' });
    expect(d.autoscaler.wantedReplicas).toBe(1);
    expect(d.waitingReason).toBeNull();
    // Turned off, the planner leaves it alone.
    const off = await hub.graphql(`mutation($o: String!, $n: String!) { updateDeployment(owner: $o, name: $n, input: { autoscaling: { predictive: false } }) { autoscaling { predictive } } }`, { o: alice.username, n: 'fresh' }, alice.token);
    expect(off.data.updateDeployment.autoscaling.predictive).toBe(false);
    clockNow += 10 * 60_000;
    const planned = await planner.run();
    expect(planned).toContain(daily.id);
    expect(planned).not.toContain(fresh.id);
  }, 300_000);

  it('shares a short network by its rule and tells the owner why theirs waits', async () => {
    // One node × AIMASS_SERVE_REPLICAS_PER_NODE 4: daily wants 3 (its floor), fresh 1. A third deployment makes 5.
    const daily = await get('daily');
    expect(daily.autoscaler.wantedReplicas).toBe(3);
    await create({ name: 'late', minReplicas: 1, maxReplicas: 1 });
    // Minimums first (1 + 1 + 1), the one replica left to daily: 2 of its 3.
    const held = await until('daily', (d) => d.waitingReason !== null && d.autoscaler.wantedReplicas === 2, 60_000);
    expect(held.waitingReason).toMatch(/^capacity sharing: the network holds 4 replicas \(1 online node\(s\) × 4\) and every deployment together wants 5; shared minimums first, then evenly: 2 of the 3 it wants/);
    expect(held.autoscaler.reason).toMatch(/held at 2 of 3/);
    await until('late', (d) => ready(d) === 1);
    expect((await get('fresh')).waitingReason).toBeNull();

    // Capacity frees up: daily gets its three again.
    const del = await hub.graphql(`mutation($o: String!, $n: String!) { deleteDeployment(owner: $o, name: $n) }`, { o: alice.username, n: 'late' }, alice.token);
    expect(del.errors).toBeUndefined();
    // The plan must still hold: the planner plans it again (the hub's own runs would, every few minutes), within the busy hours.
    await planner.planOne(daily.id, Math.max(Date.now(), clockNow));
    const back = await until('daily', (d) => d.waitingReason === null && d.autoscaler.wantedReplicas === 3 && ready(d) === 3, 90_000);
    expect(back.planner.floor).toBe(3);
  }, 300_000);
});
