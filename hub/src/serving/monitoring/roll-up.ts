/**
 * Downsampling and retention of `serving_metrics`. Each coarser tier is rolled up from the tier
 * just finer (task `rollup:<resolution>`, one hub per step, task-claim.ts): its buckets that
 * ended at least {@link ROLLUP_LAG_MS} ago (so the hubs' last writes and samples are in) and
 * that the finer tier has itself rolled up, at most {@link MAX_BUCKETS_PER_STEP} of them a step,
 * are summed (counters, histograms, error codes, gauge sums and their sample counts) into one row
 * per (bucket, deployment, version, replica). A bucket is rolled up once: `done_until` moves in
 * the same transaction. Then every tier's points older than its retention are deleted (any hub
 * may; deleting twice deletes nothing).
 */
import type { DataSource } from 'typeorm';
import type { MetricTier } from '../../config.js';
import { rows } from '../../db/rows.js';
import { withTaskClaim } from './task-claim.js';

/** How long after a bucket ends before it is rolled up: writes are flushed every second, samples taken at each bucket's start. */
export const ROLLUP_LAG_MS = 30_000;
const MAX_BUCKETS_PER_STEP = 1000;

export interface RollupResult {
  /** Per coarser tier's resolution: rows written this run (0 when nothing was due or another hub held the step). */
  rolledUp: Record<number, number>;
  /** Per tier's resolution: points deleted as expired. */
  deleted: Record<number, number>;
}

export async function rollUp(db: DataSource, tiers: readonly MetricTier[], now: number): Promise<RollupResult> {
  const result: RollupResult = { rolledUp: {}, deleted: {} };
  // What the finer tier holds completely: the finest tier, everything ended a lag ago.
  let sourceComplete = now - ROLLUP_LAG_MS;
  for (let i = 1; i < tiers.length; i++) {
    const source = tiers[i - 1].resolutionSeconds;
    const target = tiers[i].resolutionSeconds;
    const stepMs = target * 1000;
    const limit = Math.floor(sourceComplete / stepMs) * stepMs;
    const written = await withTaskClaim(db, `rollup:${target}`, async (tx, doneUntil) => {
      let from = doneUntil?.getTime();
      if (from === undefined) {
        const [first] = rows<{ first: Date | null }>(await tx.query(`SELECT min(bucket) AS first FROM serving_metrics WHERE resolution = $1`, [source]));
        if (!first?.first) return { doneUntil: null, value: 0 };
        from = Math.floor(new Date(first.first).getTime() / stepMs) * stepMs;
      }
      const until = Math.min(limit, from + MAX_BUCKETS_PER_STEP * stepMs);
      if (until <= from) return { doneUntil: null, value: 0 };
      const [inserted] = rows<{ n: string }>(
        await tx.query(
          `WITH src AS (
             SELECT to_timestamp(floor(extract(epoch FROM bucket) / $1::int) * $1::int) AS b, * FROM serving_metrics
             WHERE resolution = $2 AND bucket >= $3 AND bucket < $4),
           lat AS (
             SELECT b, deployment_id, version, replica, array_agg(c ORDER BY i) AS counts FROM (
               SELECT b, deployment_id, version, replica, i, sum(v)::int AS c FROM src, unnest(src.latency_counts) WITH ORDINALITY AS h(v, i) GROUP BY 1, 2, 3, 4, 5) x
             GROUP BY 1, 2, 3, 4),
           bat AS (
             SELECT b, deployment_id, version, replica, array_agg(c ORDER BY i) AS counts FROM (
               SELECT b, deployment_id, version, replica, i, sum(v)::int AS c FROM src, unnest(src.batch_size_counts) WITH ORDINALITY AS h(v, i) GROUP BY 1, 2, 3, 4, 5) x
             GROUP BY 1, 2, 3, 4),
           codes AS (
             SELECT b, deployment_id, version, replica, jsonb_object_agg(k, n) AS codes FROM (
               SELECT b, deployment_id, version, replica, k, sum(v::bigint) AS n FROM src, jsonb_each_text(src.error_codes) AS e(k, v) GROUP BY 1, 2, 3, 4, 5) x
             GROUP BY 1, 2, 3, 4),
           tot AS (
             SELECT b, deployment_id, version, replica, sum(requests) AS requests, sum(errors) AS errors, sum(rows) AS rows,
                    sum(queue_sum) AS queue_sum, sum(in_flight_sum) AS in_flight_sum, sum(cpu_sum) AS cpu_sum, sum(memory_sum) AS memory_sum,
                    sum(replica_samples) AS replica_samples, sum(ready_sum) AS ready_sum, sum(wanted_sum) AS wanted_sum, sum(deployment_samples) AS deployment_samples
             FROM src GROUP BY 1, 2, 3, 4),
           ins AS (INSERT INTO serving_metrics AS m (resolution, bucket, deployment_id, version, replica, requests, errors, error_codes, rows, latency_counts, batch_size_counts,
             queue_sum, in_flight_sum, cpu_sum, memory_sum, replica_samples, ready_sum, wanted_sum, deployment_samples)
           SELECT $1::int, tot.b, tot.deployment_id, tot.version, tot.replica, tot.requests, tot.errors, coalesce(codes.codes, '{}'), tot.rows,
                  coalesce(lat.counts, '{}'), coalesce(bat.counts, '{}'), tot.queue_sum, tot.in_flight_sum, tot.cpu_sum, tot.memory_sum,
                  tot.replica_samples, tot.ready_sum, tot.wanted_sum, tot.deployment_samples
           FROM tot
           LEFT JOIN lat USING (b, deployment_id, version, replica)
           LEFT JOIN bat USING (b, deployment_id, version, replica)
           LEFT JOIN codes USING (b, deployment_id, version, replica)
           ON CONFLICT ON CONSTRAINT serving_metrics_key DO NOTHING
           RETURNING 1)
           SELECT count(*) AS n FROM ins`,
          [target, source, new Date(from), new Date(until)],
        ),
      );
      return { doneUntil: new Date(until), value: Number(inserted.n) };
    });
    result.rolledUp[target] = written ?? 0;
    // The coarser tier is complete up to where it was rolled up, by this hub or another.
    const [task] = rows<{ done_until: Date | null }>(await db.query(`SELECT done_until FROM serving_metric_tasks WHERE task = $1`, [`rollup:${target}`]));
    sourceComplete = task?.done_until ? new Date(task.done_until).getTime() : -Infinity;
  }
  for (const tier of tiers) {
    const [deleted] = rows<{ n: string }>(
      await db.query(`WITH d AS (DELETE FROM serving_metrics WHERE resolution = $1 AND bucket < $2 RETURNING 1) SELECT count(*) AS n FROM d`, [
        tier.resolutionSeconds,
        new Date(now - tier.keepSeconds * 1000),
      ]),
    );
    result.deleted[tier.resolutionSeconds] = Number(deleted.n);
  }
  return result;
}
