import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CREATE MODEL … OPTIONS (deploy = TRUE | deployment = 'name'): the run keeps which deployment its
 * version goes to and who asked (training_runs.deploy), and what came of it (deploy_message).
 */
export class TrainingDeploy1766950000000 implements MigrationInterface {
  name = 'TrainingDeploy1766950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE training_runs ADD COLUMN deploy jsonb, ADD COLUMN deploy_message text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE training_runs DROP COLUMN IF EXISTS deploy, DROP COLUMN IF EXISTS deploy_message`);
  }
}
