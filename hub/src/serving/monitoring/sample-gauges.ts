/**
 * The gauges of the finest tier, sampled once per bucket by one hub (task `sample`): per ready
 * replica, the requests waiting for a batch and in flight (its agent's last heartbeat) and its
 * node's CPU load and memory in use (the node's last heartbeat); per deployment and model
 * version, the replicas ready and wanted. Gauges are kept as sums with their number of samples,
 * so any bucket, however coarse, averages them.
 */
import type { DataSource } from 'typeorm';
import { withTaskClaim } from './task-claim.js';

/** Samples the bucket holding `now` unless it was sampled already; true when this hub sampled it. */
export async function sampleGauges(db: DataSource, resolutionSeconds: number, now: number): Promise<boolean> {
  const step = resolutionSeconds * 1000;
  const bucket = new Date(Math.floor(now / step) * step);
  const done = await withTaskClaim(db, 'sample', async (tx, doneUntil) => {
    if (doneUntil && doneUntil.getTime() > bucket.getTime()) return { doneUntil: null, value: false };
    await tx.query(
      `INSERT INTO serving_metrics AS m (resolution, bucket, deployment_id, version, replica,
         queue_sum, in_flight_sum, cpu_sum, memory_sum, replica_samples, ready_sum, wanted_sum, deployment_samples)
       SELECT $1::int, $2::timestamptz, x.* FROM (
         SELECT r.deployment_id, r.version_number, r.job_id::text,
                r.queued::float8, r.in_flight::float8, coalesce(n.load, 0)::float8, coalesce(n.memory_used_bytes, 0)::float8, 1, 0::float8, 0::float8, 0
         FROM deployment_replicas r LEFT JOIN nodes n ON n.id = r.node_id
         WHERE r.state = 'ready'
         UNION ALL
         SELECT d.id, v.version, '', 0::float8, 0::float8, 0::float8, 0::float8, 0,
                (SELECT count(*) FROM deployment_replicas r WHERE r.deployment_id = d.id AND r.state = 'ready' AND r.version_number = v.version)::float8,
                -- Wanted: a split's variant keeps its own count; else the autoscaler's wish, or minReplicas.
                (CASE WHEN d.status = 'stopped' THEN 0
                      WHEN jsonb_array_length(d.variants) > 0
                        THEN coalesce((SELECT sum((x->>'replicas')::int) FROM jsonb_array_elements(d.variants) x WHERE (x->>'versionNumber')::int = v.version), 0)
                      WHEN v.version = d.version_number
                        THEN CASE WHEN d.autoscaling IS NOT NULL AND d.wanted_replicas IS NOT NULL THEN d.wanted_replicas ELSE d.min_replicas END
                      ELSE 0 END)::float8, 1
         FROM deployments d
         CROSS JOIN LATERAL (SELECT d.version_number AS version
                             UNION SELECT (x->>'versionNumber')::int FROM jsonb_array_elements(d.variants) x
                             UNION SELECT r.version_number FROM deployment_replicas r WHERE r.deployment_id = d.id AND r.state = 'ready') v
       ) AS x(deployment_id, version, replica, queue_sum, in_flight_sum, cpu_sum, memory_sum, replica_samples, ready_sum, wanted_sum, deployment_samples)
       ON CONFLICT ON CONSTRAINT serving_metrics_key DO UPDATE SET
         queue_sum = m.queue_sum + EXCLUDED.queue_sum,
         in_flight_sum = m.in_flight_sum + EXCLUDED.in_flight_sum,
         cpu_sum = m.cpu_sum + EXCLUDED.cpu_sum,
         memory_sum = m.memory_sum + EXCLUDED.memory_sum,
         replica_samples = m.replica_samples + EXCLUDED.replica_samples,
         ready_sum = m.ready_sum + EXCLUDED.ready_sum,
         wanted_sum = m.wanted_sum + EXCLUDED.wanted_sum,
         deployment_samples = m.deployment_samples + EXCLUDED.deployment_samples`,
      [resolutionSeconds, bucket],
    );
    return { doneUntil: new Date(bucket.getTime() + step), value: true };
  });
  return done === true;
}
