/**
 * The actions on an in-process PGlite holding the tables they touch, with the reconciler and the
 * event bus recorded: scale up stops at maxReplicas; eject stops the worst ready replica only while
 * another stays; the key that sent most requests is throttled until a time that is then lifted,
 * and no key is when none sent most; a canary's weight goes to 0 and the primary takes every
 * request, shadows untouched.
 */
import 'reflect-metadata';
import { PGlite } from '@electric-sql/pglite';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Queryable } from '../../../db/rows.js';
import type { EventBus } from '../../../pubsub.js';
import { AlertActions, CanaryWeightRollback, type ActionRequest } from '../alert-actions.js';
import { AlertAction } from '../alert-words.js';

const D = '22222222-2222-4222-8222-222222222222';
const V1 = '33333333-3333-4333-8333-333333333331';
const V2 = '33333333-3333-4333-8333-333333333332';
const R1 = '44444444-4444-4444-8444-444444444441';
const R2 = '44444444-4444-4444-8444-444444444442';
const K1 = '55555555-5555-4555-8555-555555555551';
const K2 = '55555555-5555-4555-8555-555555555552';
const USER = '66666666-6666-4666-8666-666666666666';
const T = Date.UTC(2026, 0, 5, 12, 0, 0);

describe('Alert actions', () => {
  let pg: PGlite;
  let db: DataSource;
  let actions: AlertActions;
  const reconciled: string[] = [];
  const published: string[] = [];

  beforeAll(async () => {
    pg = new PGlite();
    const wrap = (q: { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }> }): Queryable => ({ query: async (sql, params) => (await q.query(sql, params as unknown[])).rows });
    db = { ...wrap(pg), transaction: (fn: (tx: Queryable) => Promise<unknown>) => pg.transaction((tx) => fn(wrap(tx))) } as unknown as DataSource;
    await db.query(`CREATE TABLE deployments (id uuid PRIMARY KEY, version_id uuid, version_number int, alias text, variants jsonb NOT NULL DEFAULT '[]',
      min_replicas int NOT NULL, max_replicas int NOT NULL, autoscaling jsonb, wanted_replicas int, key_throttles jsonb NOT NULL DEFAULT '{}', updated_at timestamptz)`);
    await db.query(`CREATE TABLE deployment_replicas (job_id uuid PRIMARY KEY, deployment_id uuid, state text, updated_at timestamptz)`);
    await db.query(`CREATE TABLE serving_usage (minute timestamptz, deployment_id uuid, user_id uuid, api_key_id uuid, requests int)`);
    await db.query(`CREATE TABLE serving_metrics (resolution integer NOT NULL, bucket timestamptz NOT NULL, deployment_id uuid NOT NULL, version integer NOT NULL, replica text NOT NULL DEFAULT '',
      requests bigint NOT NULL DEFAULT 0, errors bigint NOT NULL DEFAULT 0, error_codes jsonb NOT NULL DEFAULT '{}', rows bigint NOT NULL DEFAULT 0,
      latency_counts integer[] NOT NULL DEFAULT '{}', batch_size_counts integer[] NOT NULL DEFAULT '{}', queue_sum double precision NOT NULL DEFAULT 0,
      in_flight_sum double precision NOT NULL DEFAULT 0, cpu_sum double precision NOT NULL DEFAULT 0, memory_sum double precision NOT NULL DEFAULT 0,
      replica_samples integer NOT NULL DEFAULT 0, ready_sum double precision NOT NULL DEFAULT 0, wanted_sum double precision NOT NULL DEFAULT 0,
      deployment_samples integer NOT NULL DEFAULT 0)`);
    const events = { publish: (_topic: string, id: string) => void published.push(id) } as unknown as EventBus;
    actions = new AlertActions(db, { reconcile: async (id: string) => void reconciled.push(id) }, events, new CanaryWeightRollback(db), 600);
  }, 60_000);
  afterAll(async () => {
    await pg?.close();
  });
  beforeEach(async () => {
    for (const table of ['deployments', 'deployment_replicas', 'serving_usage', 'serving_metrics']) await db.query(`DELETE FROM ${table}`);
    reconciled.length = 0;
    published.length = 0;
    await db.query(`INSERT INTO deployments (id, version_id, version_number, min_replicas, max_replicas) VALUES ($1, $2, 1, 1, 2)`, [D, V1]);
  });

  const request = (action: AlertAction, extra: Partial<ActionRequest> = {}): ActionRequest => ({
    deploymentId: D,
    incidentId: '77777777-7777-4777-8777-777777777777',
    ruleName: 'rule',
    action,
    windowStart: T - 60_000,
    windowEnd: T,
    resolutionSeconds: 10,
    baselineRequestsPerSecond: 4,
    now: T,
    ...extra,
  });
  const deployment = async () => ((await db.query(`SELECT * FROM deployments WHERE id = $1`, [D])) as any[])[0];

  it('scales up by one replica, and not past maxReplicas', async () => {
    expect(await actions.apply(request(AlertAction.SCALE_UP))).toMatchObject({ applied: true, minReplicas: 2 });
    expect((await deployment()).min_replicas).toBe(2);
    expect(reconciled).toEqual([D]);
    expect(await actions.apply(request(AlertAction.SCALE_UP))).toMatchObject({ applied: false, message: 'Already at maxReplicas (2)' });
  });

  it('ejects the ready replica with the worst error rate, only while another ready one stays', async () => {
    await db.query(`INSERT INTO deployment_replicas (job_id, deployment_id, state) VALUES ($1, $3, 'ready'), ($2, $3, 'ready')`, [R1, R2, D]);
    await db.query(`INSERT INTO serving_metrics (resolution, bucket, deployment_id, version, replica, requests, errors) VALUES (10, $1, $2, 1, $3, 50, 1), (10, $1, $2, 1, $4, 50, 30)`, [
      new Date(T - 30_000),
      D,
      R1,
      R2,
    ]);
    expect(await actions.apply(request(AlertAction.EJECT_REPLICA))).toMatchObject({ applied: true, replica: R2, errorRate: 0.6 });
    const states = (await db.query(`SELECT job_id, state FROM deployment_replicas ORDER BY job_id`)) as any[];
    expect(states.map((r) => r.state)).toEqual(['ready', 'stopping']);
    expect(reconciled).toEqual([D]);
    // One ready replica left: ejecting it would stop the service.
    expect(await actions.apply(request(AlertAction.EJECT_REPLICA))).toMatchObject({ applied: false });
  });

  it('throttles the key that sent most requests until its time, then lifts it; none when no key sent most', async () => {
    const minute = new Date(T - 60_000);
    await db.query(`INSERT INTO serving_usage VALUES ($1, $2, $3, $4, 300), ($1, $2, $3, $5, 20), ($1, $2, $3, NULL, 10)`, [minute, D, USER, K1, K2]);
    const outcome = await actions.apply(request(AlertAction.THROTTLE_KEY));
    expect(outcome).toMatchObject({ applied: true, apiKeyId: K1, requestsPerSecond: 4, until: new Date(T + 600_000).toISOString() });
    expect((await deployment()).key_throttles).toEqual({ [K1]: { requestsPerSecond: 4, until: new Date(T + 600_000).toISOString(), incidentId: request(AlertAction.NONE).incidentId } });
    expect(await actions.liftExpiredThrottles(T + 599_000)).toBe(0);
    expect(await actions.liftExpiredThrottles(T + 600_000)).toBe(1);
    expect((await deployment()).key_throttles).toEqual({});

    await db.query(`UPDATE serving_usage SET requests = 20 WHERE api_key_id = $1`, [K1]);
    expect(await actions.apply(request(AlertAction.THROTTLE_KEY))).toMatchObject({ applied: false });
  });

  it('rolls a canary back: the primary takes every request, the canary stays warm at weight 0, a shadow is untouched', async () => {
    expect(await actions.apply(request(AlertAction.ROLL_BACK_CANARY))).toMatchObject({ applied: false, message: 'Not rolled back: no canary takes traffic' });
    const variants = [
      { versionId: V1, versionNumber: 1, alias: null, weight: 90, shadow: false, replicas: 1 },
      { versionId: V2, versionNumber: 2, alias: null, weight: 10, shadow: false, replicas: 1 },
      { versionId: V2, versionNumber: 2, alias: null, weight: 20, shadow: true, replicas: 1 },
    ];
    await db.query(`UPDATE deployments SET variants = $2::jsonb, min_replicas = 3, max_replicas = 4 WHERE id = $1`, [D, JSON.stringify(variants)]);
    expect(await actions.apply(request(AlertAction.ROLL_BACK_CANARY))).toMatchObject({ applied: true });
    expect((await deployment()).variants.map((v: any) => [v.versionNumber, v.weight, v.shadow, v.replicas])).toEqual([
      [1, 100, false, 1],
      [2, 0, false, 1],
      [2, 20, true, 1],
    ]);
    expect(reconciled).toEqual([D]);
    expect(published).toEqual([D]);
  });
});
