import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The predictive planner and capacity sharing (docs/autoscaling.md):
 * - `deployments.planner`: the planner's last plan for the deployment (its floor, until when it
 *   holds, the forecast rate, the measured start time, the held-out error, why);
 * - `deployments.capacity_share`: the replicas capacity sharing grants it while the network lacks
 *   capacity for every deployment's wish, and why it waits (null: nothing held back);
 * - `serving_forecasts`: the forecast of each slot as it stood when the slot began (later runs
 *   rewrite only slots still ahead), so the forecast is shown and scored beside the real traffic.
 */
export class AutoscalePlanner1767080000000 implements MigrationInterface {
  name = 'AutoscalePlanner1767080000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deployments ADD COLUMN planner jsonb, ADD COLUMN capacity_share jsonb`);
    await q.query(`
      CREATE TABLE serving_forecasts (
        deployment_id uuid NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        slot_start timestamptz NOT NULL,
        slot_seconds integer NOT NULL,
        rate double precision NOT NULL,
        lower_rate double precision NOT NULL,
        upper_rate double precision NOT NULL,
        made_at timestamptz NOT NULL,
        CONSTRAINT serving_forecasts_key PRIMARY KEY (deployment_id, slot_start)
      )`);
    await q.query(`CREATE INDEX serving_forecasts_expiry ON serving_forecasts (slot_start)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS serving_forecasts`);
    await q.query(`ALTER TABLE deployments DROP COLUMN IF EXISTS planner, DROP COLUMN IF EXISTS capacity_share`);
  }
}
