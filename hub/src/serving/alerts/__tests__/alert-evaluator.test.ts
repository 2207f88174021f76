/**
 * The evaluator on a clock the test moves, over an in-process PGlite holding the tables it reads:
 * a window over the threshold opens one incident (once, however often it runs), the next clean
 * window resolves it, each with its event recorded in the incident's transaction and announced
 * after it; an anomaly rule waits for enough history, then opens on a spike against the baseline;
 * a disabled rule's incident resolves; the action runs once per opening and is stored.
 */
import 'reflect-metadata';
import { PGlite } from '@electric-sql/pglite';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../../db/rows.js';
import type { Logger } from '../../../logger.js';
import { DeploymentAlerts1767090000000 } from '../../../../../migrations/1767090000000-DeploymentAlerts.js';
import type { ActionRequest, AlertActions } from '../alert-actions.js';
import type { DeploymentEventInput } from '../../events/deployment-events.js';
import { AlertEvaluator } from '../alert-evaluator.js';

const RES = 10;
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const DEPLOYMENT = '11111111-1111-4111-8111-111111111111';

describe('Alert evaluator on an injected clock', () => {
  let pg: PGlite;
  let db: DataSource;
  let now = T0;
  const events: { kind: string; message: string; announced: boolean }[] = [];
  const acted: ActionRequest[] = [];
  let evaluator: AlertEvaluator;

  beforeAll(async () => {
    pg = new PGlite();
    const wrap = (q: { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }> }): Queryable => ({ query: async (sql, params) => (await q.query(sql, params as unknown[])).rows });
    db = { ...wrap(pg), transaction: (fn: (tx: Queryable) => Promise<unknown>) => pg.transaction((tx) => fn(wrap(tx))) } as unknown as DataSource;
    await db.query(`CREATE TABLE deployments (id uuid PRIMARY KEY, created_at timestamptz NOT NULL, min_replicas int NOT NULL DEFAULT 1)`);
    await db.query(`CREATE TABLE serving_metric_tasks (task text PRIMARY KEY, done_until timestamptz)`);
    await db.query(`CREATE TABLE serving_metrics (resolution integer NOT NULL, bucket timestamptz NOT NULL, deployment_id uuid NOT NULL, version integer NOT NULL, replica text NOT NULL DEFAULT '',
      requests bigint NOT NULL DEFAULT 0, errors bigint NOT NULL DEFAULT 0, error_codes jsonb NOT NULL DEFAULT '{}', rows bigint NOT NULL DEFAULT 0,
      latency_counts integer[] NOT NULL DEFAULT '{}', batch_size_counts integer[] NOT NULL DEFAULT '{}', queue_sum double precision NOT NULL DEFAULT 0,
      in_flight_sum double precision NOT NULL DEFAULT 0, cpu_sum double precision NOT NULL DEFAULT 0, memory_sum double precision NOT NULL DEFAULT 0,
      replica_samples integer NOT NULL DEFAULT 0, ready_sum double precision NOT NULL DEFAULT 0, wanted_sum double precision NOT NULL DEFAULT 0,
      deployment_samples integer NOT NULL DEFAULT 0, PRIMARY KEY (deployment_id, resolution, bucket, version, replica))`);
    await new DeploymentAlerts1767090000000().up(db as never);
    await db.query(`INSERT INTO deployments (id, created_at) VALUES ($1, $2)`, [DEPLOYMENT, new Date(T0 - 3600_000)]);
    const sink = {
      async record(_tx: Queryable, _id: string, e: DeploymentEventInput) {
        const entry = { kind: e.kind, message: e.message, announced: false };
        events.push(entry);
        return () => void (entry.announced = true);
      },
      async publish(_id: string, e: DeploymentEventInput) {
        events.push({ kind: e.kind, message: e.message, announced: true });
      },
    };
    const actions = {
      async apply(r: ActionRequest) {
        acted.push(r);
        return { action: r.action, applied: true, message: 'Raised minReplicas from 1 to 2' };
      },
      liftExpiredThrottles: async () => 0,
    } as unknown as AlertActions;
    const log = { warn: () => undefined, error: () => undefined } as unknown as Logger;
    evaluator = new AlertEvaluator(db, RES, sink, actions, log, { now: () => now });
  }, 60_000);
  afterAll(async () => {
    await pg?.close();
  });

  /** One 10 s bucket of traffic starting at `at`. */
  const traffic = (at: number, requests: number, errors = 0) =>
    db.query(`INSERT INTO serving_metrics (resolution, bucket, deployment_id, version, requests, errors) VALUES ($1, $2, $3, 1, $4, $5)`, [RES, new Date(at), DEPLOYMENT, requests, errors]);
  const rule = async (fields: Record<string, unknown>) => {
    const cols = Object.keys(fields);
    const [row] = (await db.query(`INSERT INTO deployment_alert_rules (deployment_id, ${cols.join(', ')}) VALUES ($1, ${cols.map((_, i) => `$${i + 2}`).join(', ')}) RETURNING id`, [
      DEPLOYMENT,
      ...Object.values(fields),
    ])) as { id: string }[];
    return row.id;
  };
  const incidents = (ruleId: string) => db.query(`SELECT * FROM deployment_incidents WHERE rule_id = $1 ORDER BY opened_at`, [ruleId]) as Promise<any[]>;

  it('opens an incident once while a threshold is crossed and resolves it on the first clean window', async () => {
    const id = await rule({ name: 'errors', metric: 'error_rate', condition: 'above', threshold: 0.05, window_seconds: 20, min_requests: 10, action: 'scale_up' });
    // [T0, T0 + 20 s): 40 requests, 10 failed; judged at T0 + 22 s (settled).
    await traffic(T0, 20, 5);
    await traffic(T0 + 10_000, 20, 5);
    now = T0 + 22_000;
    expect(await evaluator.evaluate()).toEqual({ opened: [expect.any(String)], resolved: [] });
    now = T0 + 25_000;
    expect(await evaluator.evaluate()).toEqual({ opened: [], resolved: [] });
    const [open] = await incidents(id);
    expect(open.resolved_at).toBeNull();
    expect(open.opened_values).toMatchObject({ value: 0.25, requests: 40, threshold: 0.05, windowStart: T0, windowEnd: T0 + 20_000 });
    expect(open.action).toMatchObject({ action: 'scale_up', applied: true });
    expect(acted).toHaveLength(1);
    expect(acted[0]).toMatchObject({ deploymentId: DEPLOYMENT, incidentId: open.id, action: 'scale_up', windowEnd: T0 + 20_000 });
    // [T0 + 20 s, T0 + 40 s): clean.
    await traffic(T0 + 20_000, 20);
    await traffic(T0 + 30_000, 20);
    now = T0 + 42_000;
    expect(await evaluator.evaluate()).toEqual({ opened: [], resolved: [open.id] });
    const [done] = await incidents(id);
    expect(new Date(done.resolved_at).getTime()).toBe(T0 + 42_000);
    expect(done.resolved_values).toMatchObject({ value: 0, requests: 40 });
    expect(events.map((e) => [e.kind, e.announced])).toEqual([
      ['INCIDENT_OPENED', true],
      ['ALERT_ACTION', true],
      ['INCIDENT_RESOLVED', true],
    ]);
    expect(events[0].message).toBe('Alert errors: error rate 25.0 % over 20 s (above 5.0 % alerts)');
    await db.query(`DELETE FROM deployment_alert_rules WHERE id = $1`, [id]);
  });

  it('an anomaly waits for enough history, then opens on a spike against the baseline; disabling the rule resolves it', async () => {
    const start = T0 + 3600_000;
    const id = await rule({ name: 'traffic', metric: 'requests_per_second', condition: 'anomaly', window_seconds: 10, baseline_minutes: 2, min_requests: 1 });
    // Three quiet minutes of 50 ± 5 requests per 10 s.
    for (let i = 0; i < 18; i++) await traffic(start + i * 10_000, 50 + ((i * 7) % 11) - 5);
    // With the deployment created just before, fewer than 6 baseline windows: undecided.
    await db.query(`UPDATE deployments SET created_at = $2 WHERE id = $1`, [DEPLOYMENT, new Date(start + 140_000)]);
    await traffic(start + 180_000, 900);
    now = start + 192_000;
    expect(await evaluator.evaluate()).toEqual({ opened: [], resolved: [] });
    // With the history counted, the spike is far outside the band.
    await db.query(`UPDATE deployments SET created_at = $2 WHERE id = $1`, [DEPLOYMENT, new Date(start - 60_000)]);
    const run = await evaluator.evaluate();
    expect(run!.opened).toHaveLength(1);
    const [open] = await incidents(id);
    expect(open.opened_values.value).toBe(90);
    expect(open.opened_values.band.median).toBeGreaterThan(4.5);
    expect(open.opened_values.band.median).toBeLessThan(5.5);
    expect(open.opened_values.band.samples).toBe(12);
    expect(open.opened_values.band.high).toBeLessThan(90);
    await db.query(`UPDATE deployment_alert_rules SET enabled = false WHERE id = $1`, [id]);
    expect(await evaluator.evaluate()).toEqual({ opened: [], resolved: [open.id] });
    expect(events.at(-1)).toMatchObject({ kind: 'INCIDENT_RESOLVED', message: 'Alert traffic resolved: the rule was disabled or deleted' });
  });
});
