import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Autoscaling (docs/serving.md, "Autoscaling"): a deployment's autoscaling settings, the replicas
 * the autoscaler wants and its last decision (with the state its windows need, so any hub may make
 * the next one), and the concurrency samples every hub writes per deployment, which the autoscaler
 * sums over hubs.
 */
export class Autoscaling1767050000000 implements MigrationInterface {
  name = 'Autoscaling1767050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deployments ADD COLUMN autoscaling jsonb, ADD COLUMN wanted_replicas integer, ADD COLUMN autoscaler jsonb`);
    // IDLE: autoscaled to zero.
    await q.query(`ALTER TABLE deployments DROP CONSTRAINT IF EXISTS deployments_status_check`);
    await q.query(`ALTER TABLE deployments ADD CONSTRAINT deployments_status_check CHECK (status IN ('pending', 'starting', 'ready', 'degraded', 'failed', 'stopped', 'idle'))`);
    await q.query(`
      CREATE TABLE serving_concurrency (
        deployment_id uuid NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        hub_instance text NOT NULL,
        at timestamptz NOT NULL,
        in_flight_ms double precision NOT NULL,
        requests integer NOT NULL,
        CONSTRAINT serving_concurrency_key PRIMARY KEY (deployment_id, at, hub_instance)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS serving_concurrency`);
    await q.query(`UPDATE deployments SET status = 'stopped' WHERE status = 'idle'`);
    await q.query(`ALTER TABLE deployments DROP CONSTRAINT IF EXISTS deployments_status_check`);
    await q.query(`ALTER TABLE deployments ADD CONSTRAINT deployments_status_check CHECK (status IN ('pending', 'starting', 'ready', 'degraded', 'failed', 'stopped'))`);
    await q.query(`ALTER TABLE deployments DROP COLUMN IF EXISTS autoscaling, DROP COLUMN IF EXISTS wanted_replicas, DROP COLUMN IF EXISTS autoscaler`);
  }
}
