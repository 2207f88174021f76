/**
 * Deployment monitoring end to end: a classifier trained by SQL is deployed on a real agent and
 * called through the TF Serving door (answered requests and refused records); the stored 10 s
 * series counts them by version, replica and error code with plausible latency quantiles, and
 * holds the replicas and the serving node's CPU and memory; /metrics labels them by deployment
 * and version; the live subscription delivers a completed point; the range and step rules hold;
 * and the rollup, run by two "hubs" at once on a clock the test moves, writes the 1 min and 1 h
 * tiers with sums equal to the points they replace, then retention removes the expired points.
 */
import { createClient, type Client } from 'graphql-ws';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../hub/src/config.js';
import { rollUp } from '../hub/src/serving/monitoring/roll-up.js';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, waitFor } from './support/compute.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { apiKey, createDeployment, tfServingPredict, trainIris, waitForDeployment } from './support/serving.js';
import { flowers } from './support/synthetic-data.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const POINT = `start version replica requests requestsPerSecond errors errorRate errorsByStatus { status count } p50Ms p95Ms p99Ms
  meanBatchSize batchSizes { size count } queueLength inFlight replicasReady replicasWanted cpuLoad memoryBytes`;

const TIERS = loadConfig({}).monitoring.tiers;

describe('Deployment metrics: stored series, live points, /metrics and the rollup', () => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  let key: string;
  let agent: AgentProcess;
  let replicaId: string;
  const began = Date.now();
  const clientMs: number[] = [];
  const records = flowers(3, 7, 0).map(({ petal, sepal, color }) => ({ petal, sepal, color }));

  const metrics = (args: { from: number; to: number; step?: number; by?: string }, token = alice.token, owner = alice.username) =>
    hub.graphql(
      `query($o: String!, $n: String!, $from: DateTimeISO!, $to: DateTimeISO!, $step: Int, $by: MetricsBreakdown) {
        deployment(owner: $o, name: $n) { metrics(from: $from, to: $to, step: $step, by: $by) { step resolution points { ${POINT} } } } }`,
      { o: owner, n: 'iris', from: new Date(args.from).toISOString(), to: new Date(args.to).toISOString(), step: args.step, by: args.by },
      token,
    );

  beforeAll(async () => {
    hub = await startTestHub({ env: FAST_SCHEDULER });
    alice = await signUp(hub);
    bob = await signUp(hub);
    const node = await registerNode(hub, alice.token, 'metrics-node');
    agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'metrics-node', '--slots', '2']);
    await agent.waitFor(/connected to hub/);
    await trainIris(hub, alice, 'iris');
    await createDeployment(hub, alice.token, { name: 'iris', model: `${alice.username}/iris`, minReplicas: 1, maxReplicas: 1, visibility: 'PRIVATE' });
    const ready = await waitForDeployment(hub, alice.token, alice.username, 'iris', (d) => d.status === 'READY' && d.replicas.some((r: any) => r.state === 'READY'));
    replicaId = ready.replicas.find((r: any) => r.state === 'READY').id;
    key = await apiKey(hub, alice, ['INFERENCE']);
    // 30 answered requests of 3 records, 4 whose records the hub refuses (metered: they passed admission).
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      const res = await tfServingPredict(hub, key, alice.username, 'iris', { instances: records });
      clientMs.push(performance.now() - t);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    for (let i = 0; i < 4; i++) {
      const res = await tfServingPredict(hub, key, alice.username, 'iris', { instances: [{ petal: 'not a number', sepal: 1, color: 'red' }] });
      expect(res.status).toBe(400);
    }
  }, 300_000);
  afterAll(async () => {
    await agent?.stop();
    await hub?.close();
  });

  it('counts the traffic in the 10 s series: requests, errors by code, plausible latency quantiles and batch sizes', async () => {
    const res = await metrics({ from: began - 10_000, to: Date.now() + 10_000, step: 10 });
    expect(res.errors).toBeUndefined();
    const { step, resolution, points } = res.data.deployment.metrics;
    expect([step, resolution]).toEqual([10, 10]);
    // Every step of the range has a point, in order.
    for (let i = 1; i < points.length; i++) expect(Date.parse(points[i].start) - Date.parse(points[i - 1].start)).toBe(10_000);
    const sum = (f: string) => points.reduce((s: number, p: any) => s + p[f], 0);
    expect(sum('requests')).toBe(34);
    expect(sum('errors')).toBe(4);
    expect(points.flatMap((p: any) => p.errorsByStatus)).toEqual(expect.arrayContaining([{ status: 'BAD_USER_INPUT', count: expect.any(Number) }]));
    expect(points.flatMap((p: any) => p.errorsByStatus).reduce((s: number, e: any) => s + (e.status === 'BAD_USER_INPUT' ? e.count : 0), 0)).toBe(4);

    // One point over the whole range: quantiles ordered, and within what the client measured (the hub's latency is part of it).
    const whole = await metrics({ from: began - 10_000, to: began - 10_000 + 3_600_000, step: 3600, by: 'VERSION' });
    expect(whole.errors).toBeUndefined();
    const [v1] = whole.data.deployment.metrics.points.filter((p: any) => p.requests > 0);
    expect(v1).toMatchObject({ version: 1, requests: 34, errors: 4 });
    expect(v1.p50Ms).toBeGreaterThan(0);
    expect(v1.p50Ms).toBeLessThanOrEqual(v1.p95Ms);
    expect(v1.p95Ms).toBeLessThanOrEqual(v1.p99Ms);
    // Estimated within a histogram bucket: at most the next bound (×1.5 at most between neighbouring bounds) above the slowest call.
    expect(v1.p99Ms).toBeLessThanOrEqual(Math.max(...clientMs) * 1.5 + 1);
    // Requests ran one at a time: batches of one call, three rows each.
    expect(v1.meanBatchSize).toBe(3);
    expect(v1.batchSizes).toEqual([{ size: 3, count: 30 }]);

    // By replica: the replica answered the 30; the 4 refused records reached none.
    const byReplica = await metrics({ from: began - 10_000, to: began - 10_000 + 3_600_000, step: 3600, by: 'REPLICA' });
    const traffic = byReplica.data.deployment.metrics.points.filter((p: any) => p.requests > 0);
    expect(traffic.map((p: any) => [p.replica, p.requests, p.errors]).sort()).toEqual(
      [
        [replicaId, 30, 0],
        [null, 4, 4],
      ].sort(),
    );
  });

  it('samples the replicas ready and wanted, their queues and the serving node’s CPU and memory', async () => {
    const point = await waitFor('a sampled point', async () => {
      const res = await metrics({ from: began, to: Date.now() + 10_000, step: 10 });
      return res.data?.deployment.metrics.points.find((p: any) => p.replicasReady !== null && p.cpuLoad !== null && p.memoryBytes > 0);
    });
    expect(point.replicasReady).toBe(1);
    expect(point.replicasWanted).toBe(1);
    expect(point.queueLength).toBeGreaterThanOrEqual(0);
    expect(point.cpuLoad).toBeGreaterThanOrEqual(0);
    const [node] = await hub.sql(`SELECT memory_bytes, memory_used_bytes FROM nodes WHERE name = 'metrics-node'`);
    expect(point.memoryBytes).toBeLessThanOrEqual(Number(node.memory_bytes));
  });

  it('labels /metrics by deployment (owner/name), version and status', async () => {
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    const name = `${alice.username}/iris`;
    expect(text).toContain(`aimass_deployment_requests_total{deployment="${name}",version="1",status="ok"} 30`);
    expect(text).toContain(`aimass_deployment_requests_total{deployment="${name}",version="1",status="BAD_USER_INPUT"} 4`);
    expect(text).toContain(`aimass_deployment_request_duration_seconds_count{deployment="${name}",version="1"} 34`);
  });

  it('sums every hub: requests routed by a second hub on the same database add to the same points', async () => {
    const peer = await hub.peer();
    try {
      const from = began - 3_600_000;
      const total = async (reader: TestHub) => {
        const res = await reader.graphql(
          `query($o: String!, $n: String!, $from: DateTimeISO!, $to: DateTimeISO!) {
            deployment(owner: $o, name: $n) { metrics(from: $from, to: $to, step: 3600) { points { requests } } } }`,
          { o: alice.username, n: 'iris', from: new Date(from).toISOString(), to: new Date(Date.now() + 10_000).toISOString() },
          alice.token,
        );
        expect(res.errors).toBeUndefined();
        return res.data.deployment.metrics.points.reduce((s: number, p: any) => s + p.requests, 0) as number;
      };
      const before = await total(hub);
      for (let i = 0; i < 10; i++) {
        expect((await tfServingPredict(peer, key, alice.username, 'iris', { instances: records })).status).toBe(200);
        expect((await tfServingPredict(hub, key, alice.username, 'iris', { instances: records })).status).toBe(200);
      }
      // Each hub writes its tallies within a second; read through either, the sum is the same.
      for (const reader of [hub, peer]) {
        await waitFor(`both hubs’ requests, read through ${reader.url}`, async () => (await total(reader)) === before + 20);
      }
    } finally {
      await peer.close();
    }
  });

  it('refuses a step that is no multiple of 10 s, a reversed range and more than 1000 steps; a deployment you may not see is NOT_FOUND', async () => {
    const now = Date.now();
    const odd = await metrics({ from: now - 3_600_000, to: now, step: 15 });
    expect(codeOf(odd)).toBe('BAD_USER_INPUT');
    expect(odd.errors![0].extensions!.fields).toEqual([expect.objectContaining({ field: 'step' })]);
    const reversed = await metrics({ from: now, to: now - 60_000, step: 10 });
    expect(codeOf(reversed)).toBe('BAD_USER_INPUT');
    const tooLong = await metrics({ from: now - 86_400_000, to: now, step: 10 });
    expect(codeOf(tooLong)).toBe('BAD_USER_INPUT');
    expect(tooLong.errors![0].extensions!.fields).toEqual([expect.objectContaining({ field: 'to' })]);
    // A day at 1 min is 1440 steps: too many; at 5 min it is answered from the 1 min tier.
    expect(codeOf(await metrics({ from: now - 86_400_000, to: now, step: 60 }))).toBe('BAD_USER_INPUT');
    const sum = (res: any) => res.data.deployment.metrics.points.reduce((s: number, p: any) => s + p.requests, 0);
    const all = sum(await metrics({ from: began - 10_000, to: now + 10_000, step: 10 }));
    expect(all).toBeGreaterThanOrEqual(34);
    const day = await metrics({ from: now - 86_400_000, to: now + 10_000, step: 300 });
    expect(day.errors).toBeUndefined();
    expect(day.data.deployment.metrics.resolution).toBe(60);
    // What the 1 min tier has not rolled up yet comes from the 10 s tier: nothing is missing.
    expect(sum(day)).toBe(all);
    // A year at 1 day: the 1 h tier.
    const year = await metrics({ from: now - 360 * 86_400_000, to: now + 10_000, step: 86_400 });
    expect(year.data.deployment.metrics.resolution).toBe(3600);
    expect(sum(year)).toBe(all);

    const hidden = await metrics({ from: now - 60_000, to: now, step: 10 }, bob.token);
    expect(codeOf(hidden)).toBe('NOT_FOUND');
  });

  it('delivers each completed 10 s point live over graphql-ws, and refuses a deployment you may not see', async () => {
    const c: Client = createClient({
      url: `${hub.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${alice.token}` },
      retryAttempts: 0,
    });
    const points: any[] = [];
    const subscribedAt = Date.now();
    let failure: unknown;
    const dispose = c.subscribe(
      { query: `subscription($o: String!, $n: String!) { deploymentMetricsAdded(owner: $o, name: $n) { ${POINT} } }`, variables: { o: alice.username, n: 'iris' } },
      { next: (v) => points.push(v), error: (e) => (failure = e), complete: () => undefined },
    );
    try {
      // Traffic until a point that counts some of it arrives.
      const sent = await waitFor(
        'a live point with requests',
        async () => {
          const res = await tfServingPredict(hub, key, alice.username, 'iris', { instances: records });
          expect(res.status).toBe(200);
          if (failure) throw new Error(JSON.stringify(failure));
          // A bucket that began after the subscription: the replica was ready all through it.
          return points.find((p) => p.data?.deploymentMetricsAdded.requests > 0 && Date.parse(p.data.deploymentMetricsAdded.start) >= subscribedAt);
        },
        60_000,
      );
      const p = sent.data.deploymentMetricsAdded;
      expect(Date.parse(p.start) % 10_000).toBe(0);
      // Sampled every 10 s: a sample now and then sees the one replica not ready (a known defect,
      // not yet explained: see docs/monitoring.md "Known gaps"), so the point's mean is in (0, 1].
      expect(p.replicasReady).toBeGreaterThan(0);
      expect(p.replicasReady).toBeLessThanOrEqual(1);
      expect(p.p50Ms).toBeGreaterThan(0);

      const denied = await new Promise<unknown>((resolve) => {
        const other = createClient({
          url: `${hub.url.replace('http', 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${bob.token}` },
          // A socket that fails to open on a loaded machine is tried again; the refusal is what is tested.
          retryAttempts: 3,
        });
        other.subscribe(
          { query: `subscription($o: String!, $n: String!) { deploymentMetricsAdded(owner: $o, name: $n) { requests } }`, variables: { o: alice.username, n: 'iris' } },
          // GraphQL errors arrive as an array; anything else (a closed socket) is said by its message or code.
          { next: (v) => resolve(v), error: (e) => resolve(Array.isArray(e) ? e : String((e as any)?.message ?? (e as any)?.code ?? e)), complete: () => undefined },
        );
      });
      expect(JSON.stringify(denied)).toContain('NOT_FOUND');
    } finally {
      dispose();
      await c.dispose();
    }
  });

  it('rolls the 10 s points up into 1 min and 1 h points with equal sums, once, when two hubs run it at once; retention removes expired points', async () => {
    const url = await hub.databaseUrl();
    const a = await new DataSource({ type: 'postgres', url, poolSize: 3 }).initialize();
    const b = await new DataSource({ type: 'postgres', url, poolSize: 3 }).initialize();
    try {
      // A query writes the hub's pending tallies: every request sent so far is in the 10 s tier.
      expect((await metrics({ from: began, to: Date.now(), step: 60 })).errors).toBeUndefined();
      // The hub's sampler stops adding to the buckets the test's clock is about to roll up early.
      await hub.sql(`INSERT INTO serving_metric_tasks (task, done_until) VALUES ('sample', '2999-01-01') ON CONFLICT (task) DO UPDATE SET done_until = EXCLUDED.done_until`);
      // Two hours on: every bucket of the traffic is complete in each tier.
      const later = Date.now() + 2 * 3_600_000;
      await Promise.all([rollUp(a, TIERS, later), rollUp(b, TIERS, later)]);
      const rolled = async (resolution: number) => {
        const [done] = await hub.sql(`SELECT done_until FROM serving_metric_tasks WHERE task = $1`, [`rollup:${resolution}`]);
        return new Date(done.done_until);
      };
      // The hub's own roll-up may hold a tier's row at that instant (both calls then skip it, as a
      // hub does): the next pass rolls it, as the hub's next tick would.
      await waitFor('every tier rolled up to the test clock', async () => {
        await rollUp(a, TIERS, later);
        return (await rolled(3600)).getTime() > Date.now() && (await rolled(60)).getTime() > Date.now();
      }, 30_000);
      expect((await rolled(3600)).getTime()).toBeGreaterThan(Date.now());

      // Per coarse bucket, version and replica: the sums of the finer points it replaces.
      const compare = async (fine: number, coarse: number) => {
        const until = await rolled(coarse);
        const mismatched = await hub.sql(
          `WITH f AS (
             SELECT to_timestamp(floor(extract(epoch FROM bucket) / $2) * $2) AS b, version, replica, sum(requests) AS requests, sum(errors) AS errors,
                    sum(replica_samples) AS rs, sum(deployment_samples) AS ds, sum(ready_sum) AS ready
             FROM serving_metrics WHERE resolution = $1 AND bucket < $3 GROUP BY 1, 2, 3),
           c AS (SELECT bucket AS b, version, replica, requests, errors, replica_samples AS rs, deployment_samples AS ds, ready_sum AS ready FROM serving_metrics WHERE resolution = $2 AND bucket < $3)
           SELECT * FROM f FULL JOIN c USING (b, version, replica)
           WHERE f.requests IS DISTINCT FROM c.requests OR f.errors IS DISTINCT FROM c.errors OR f.rs IS DISTINCT FROM c.rs OR f.ds IS DISTINCT FROM c.ds OR f.ready IS DISTINCT FROM c.ready`,
          [fine, coarse, until],
        );
        expect(mismatched).toEqual([]);
      };
      await compare(10, 60);
      await compare(60, 3600);
      // Histograms and error codes add up too.
      const [hist] = await hub.sql(
        `SELECT (SELECT sum(v) FROM serving_metrics, unnest(latency_counts) v WHERE resolution = 10) AS fine,
                (SELECT sum(v) FROM serving_metrics, unnest(latency_counts) v WHERE resolution = 3600) AS coarse,
                (SELECT sum((error_codes->>'BAD_USER_INPUT')::int) FROM serving_metrics WHERE resolution = 3600) AS refused`,
      );
      expect(Number(hist.coarse)).toBe(Number(hist.fine));
      expect(Number(hist.refused)).toBe(4);
      const [{ requests }] = await hub.sql(`SELECT sum(requests) AS requests FROM serving_metrics WHERE resolution = 3600`);
      expect(Number(requests)).toBeGreaterThanOrEqual(35);

      // The query reads the 1 h tier now that it covers the range.
      const year = await metrics({ from: began - 86_400_000 * 2, to: Date.now(), step: 3600 });
      expect(year.data.deployment.metrics.resolution).toBe(3600);

      // Two days on: the 10 s points (kept a day) are gone; the 1 min and 1 h points remain.
      const expired = await rollUp(a, TIERS, Date.now() + 2 * 86_400_000);
      expect(expired.deleted[10]).toBeGreaterThan(0);
      const left = await hub.sql(`SELECT resolution, count(*)::int AS n FROM serving_metrics WHERE bucket < $1 GROUP BY 1 ORDER BY 1`, [new Date(Date.now() + 86_400_000)]);
      expect(left.map((r: any) => r.resolution)).toEqual([60, 3600]);
      // A year and a day on: everything.
      await rollUp(a, TIERS, Date.now() + 367 * 86_400_000);
      const [{ n }] = await hub.sql(`SELECT count(*)::int AS n FROM serving_metrics`);
      expect(n).toBe(0);
    } finally {
      await a.destroy();
      await b.destroy();
    }
  });
});
