import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Publishing model versions: when a version was published, and why it was deprecated. */
export class ModelPublishing1764900000000 implements MigrationInterface {
  name = 'ModelPublishing1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE model_versions ADD COLUMN published_at timestamptz, ADD COLUMN deprecation_message text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE model_versions DROP COLUMN IF EXISTS published_at, DROP COLUMN IF EXISTS deprecation_message`);
  }
}
