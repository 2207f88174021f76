import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deployment events (docs/serving.md, "Timeline and notifications"): each deployment's timeline,
 * and deployments as a third notification subject beside models and datasets, so that a
 * deployment's followers (its creator from the start) hear of its rollouts, incidents and budget
 * in their inbox and by webhook through the same fan-out.
 */
export class DeploymentEvents1767060000000 implements MigrationInterface {
  name = 'DeploymentEvents1767060000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['notification_subscriptions', 'notifications']) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN deployment_id uuid REFERENCES deployments(id) ON DELETE CASCADE`);
      // The one-subject rule was an unnamed CHECK over two columns: replaced by one over three.
      const checks: { conname: string }[] = await q.query(
        `SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%dataset_id IS NULL%'`,
        [table],
      );
      for (const { conname } of checks) await q.query(`ALTER TABLE ${table} DROP CONSTRAINT "${conname}"`);
      await q.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_one_subject CHECK (num_nonnulls(model_id, dataset_id, deployment_id) = 1)`);
    }
    await q.query(`CREATE UNIQUE INDEX notification_subscriptions_user_deployment ON notification_subscriptions (user_id, deployment_id) WHERE deployment_id IS NOT NULL`);
    await q.query(`CREATE INDEX notification_subscriptions_deployment ON notification_subscriptions (deployment_id) WHERE deployment_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE deployment_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        deployment_id uuid NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind ~ '^[A-Z][A-Z0-9_]{0,63}$'),
        message text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX deployment_events_timeline ON deployment_events (deployment_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE deployment_events`);
    for (const table of ['notifications', 'notification_subscriptions']) {
      await q.query(`DELETE FROM ${table} WHERE deployment_id IS NOT NULL`);
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_one_subject`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN deployment_id`);
      await q.query(`ALTER TABLE ${table} ADD CHECK ((model_id IS NULL) <> (dataset_id IS NULL))`);
    }
  }
}
