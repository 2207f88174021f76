/**
 * The live 10 s points: once a bucket of the finest tier is complete (ended {@link PUBLISH_LAG_MS}
 * ago: every hub flushes its tallies each second), one hub (task `publish`) reads it and
 * publishes each deployment's point on the event bus (`DEPLOYMENT_METRICS`), which carries it to
 * the subscribers on every hub. A hub that was away publishes at most the last
 * {@link MAX_CATCH_UP} buckets it missed: live points are for watching, the query is for history.
 */
import type { DataSource } from 'typeorm';
import { rows } from '../../db/rows.js';
import { METRIC_COLUMNS, toPoints, type MetricRow } from './metric-rows.js';
import { MetricsBreakdown, type MetricsPoint } from './metrics-point.js';
import { withTaskClaim } from './task-claim.js';

export const PUBLISH_LAG_MS = 2500;
const MAX_CATCH_UP = 6;

/** The points of the buckets completed since the last run, per deployment (empty when nothing was due or another hub holds the task). */
export async function completedPoints(db: DataSource, resolutionSeconds: number, now: number): Promise<{ deploymentId: string; point: MetricsPoint }[]> {
  const stepMs = resolutionSeconds * 1000;
  const until = Math.floor((now - PUBLISH_LAG_MS) / stepMs) * stepMs;
  const found = await withTaskClaim(db, 'publish', async (tx, doneUntil) => {
    const from = Math.max(doneUntil?.getTime() ?? until - stepMs, until - MAX_CATCH_UP * stepMs);
    if (until <= from) return { doneUntil: null, value: [] as MetricRow[] };
    const read = rows<MetricRow>(
      await tx.query(`SELECT ${METRIC_COLUMNS} FROM serving_metrics WHERE resolution = $1 AND bucket >= $2 AND bucket < $3 ORDER BY deployment_id, bucket`, [
        resolutionSeconds,
        new Date(from),
        new Date(until),
      ]),
    );
    return { doneUntil: new Date(until), value: read };
  });
  const byDeployment = new Map<string, MetricRow[]>();
  for (const row of found ?? []) {
    const list = byDeployment.get(row.deployment_id) ?? [];
    list.push(row);
    byDeployment.set(row.deployment_id, list);
  }
  return [...byDeployment.entries()].flatMap(([deploymentId, list]) => toPoints(list, stepMs, MetricsBreakdown.DEPLOYMENT).map((point) => ({ deploymentId, point })));
}
