import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deployment monitoring (hub/src/serving/monitoring/, docs/monitoring.md):
 * - `serving_metrics`: time series per tier (`resolution` in seconds: 10, 60, 3600 by default),
 *   bucket, deployment, model version and replica ('' for what no replica answered, and for the
 *   deployment-wide gauges). Counters and histograms add up across hubs and buckets; gauges are
 *   kept as a sum and a number of samples, so a coarser bucket averages them;
 * - `serving_metric_tasks`: one claim row per periodic task (sampling, publishing the 10 s points,
 *   each rollup), locked FOR UPDATE SKIP LOCKED, so one hub does each step once;
 * - `nodes.memory_used_bytes`: the memory a node reports in use with each heartbeat.
 * Rows name deployments by id without a foreign key: the series outlive the deployment until
 * retention removes them.
 */
export class ServingMetrics1767020000000 implements MigrationInterface {
  name = 'ServingMetrics1767020000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE serving_metrics (
      resolution integer NOT NULL,
      bucket timestamptz NOT NULL,
      deployment_id uuid NOT NULL,
      version integer NOT NULL,
      replica text NOT NULL DEFAULT '',
      requests bigint NOT NULL DEFAULT 0,
      errors bigint NOT NULL DEFAULT 0,
      error_codes jsonb NOT NULL DEFAULT '{}',
      rows bigint NOT NULL DEFAULT 0,
      latency_counts integer[] NOT NULL DEFAULT '{}',
      batch_size_counts integer[] NOT NULL DEFAULT '{}',
      queue_sum double precision NOT NULL DEFAULT 0,
      in_flight_sum double precision NOT NULL DEFAULT 0,
      cpu_sum double precision NOT NULL DEFAULT 0,
      memory_sum double precision NOT NULL DEFAULT 0,
      replica_samples integer NOT NULL DEFAULT 0,
      ready_sum double precision NOT NULL DEFAULT 0,
      wanted_sum double precision NOT NULL DEFAULT 0,
      deployment_samples integer NOT NULL DEFAULT 0,
      CONSTRAINT serving_metrics_key PRIMARY KEY (deployment_id, resolution, bucket, version, replica)
    )`);
    await q.query(`CREATE INDEX serving_metrics_expiry ON serving_metrics (resolution, bucket)`);
    await q.query(`CREATE TABLE serving_metric_tasks (
      task text PRIMARY KEY,
      done_until timestamptz
    )`);
    await q.query(`ALTER TABLE nodes ADD COLUMN memory_used_bytes bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE nodes DROP COLUMN memory_used_bytes`);
    await q.query(`DROP TABLE serving_metric_tasks`);
    await q.query(`DROP TABLE serving_metrics`);
  }
}
