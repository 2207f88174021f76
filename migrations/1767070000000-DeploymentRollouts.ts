import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Progressive rollouts (docs/rollouts.md): a deployment's canary rollout, its steps, where it is,
 * its analysis settings and the last analysis, and how it ended. At most one rollout per
 * deployment is running or paused at a time; ended ones stay as its history.
 */
export class DeploymentRollouts1767070000000 implements MigrationInterface {
  name = 'DeploymentRollouts1767070000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deployment_rollouts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        deployment_id uuid NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        status text NOT NULL CHECK (status IN ('running', 'paused', 'promoted', 'rolled_back', 'aborted')),
        stable jsonb NOT NULL,
        canary jsonb NOT NULL,
        steps jsonb NOT NULL,
        step integer NOT NULL DEFAULT 0,
        step_started_at timestamptz NOT NULL,
        analysis jsonb NOT NULL,
        last_analysis jsonb,
        reason text,
        started_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX deployment_rollouts_active ON deployment_rollouts (deployment_id) WHERE status IN ('running', 'paused')`);
    await q.query(`CREATE INDEX deployment_rollouts_deployment ON deployment_rollouts (deployment_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS deployment_rollouts`);
  }
}
