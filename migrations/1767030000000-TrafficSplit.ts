import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Traffic split (docs/serving.md, "Traffic split"): a deployment's variants (versions with weights,
 * shadows) and how callers stick to one, and the shadow traffic's figures per minute, deployment
 * and shadow version, to which every hub adds its own.
 */
export class TrafficSplit1767030000000 implements MigrationInterface {
  name = 'TrafficSplit1767030000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deployments ADD COLUMN variants jsonb NOT NULL DEFAULT '[]', ADD COLUMN stickiness text NOT NULL DEFAULT 'request'`);
    await q.query(`
      CREATE TABLE serving_shadow (
        minute timestamptz NOT NULL,
        deployment_id uuid NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        version_number integer NOT NULL,
        requests integer NOT NULL DEFAULT 0,
        errors integer NOT NULL DEFAULT 0,
        compared bigint NOT NULL DEFAULT 0,
        agreed bigint NOT NULL DEFAULT 0,
        latency_counts integer[] NOT NULL,
        primary_latency_counts integer[] NOT NULL,
        CONSTRAINT serving_shadow_key PRIMARY KEY (deployment_id, version_number, minute)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS serving_shadow`);
    await q.query(`ALTER TABLE deployments DROP COLUMN IF EXISTS variants, DROP COLUMN IF EXISTS stickiness`);
  }
}
