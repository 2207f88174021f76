import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sharing models, as datasets are shared: collaborators with roles, stars (the count is
 * models.stars), access requests the model's admins decide. Plus what forks and deletion need: an
 * index to count a model's forks, and the highest version number deleted, so numbers are never
 * given twice.
 */
export class ModelSharing1765200000000 implements MigrationInterface {
  name = 'ModelSharing1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE model_collaborators (
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('read', 'write', 'admin')),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (model_id, user_id)
      )`);
    await q.query(`CREATE INDEX model_collaborators_user ON model_collaborators (user_id)`);
    await q.query(`
      CREATE TABLE model_stars (
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (model_id, user_id)
      )`);
    await q.query(`CREATE INDEX model_stars_user ON model_stars (user_id)`);
    await q.query(`
      CREATE TABLE model_access_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        requester_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        message text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied')),
        decided_by uuid REFERENCES users(id) ON DELETE SET NULL,
        decided_at timestamptz,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX model_access_requests_pending ON model_access_requests (model_id, requester_id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX models_forked_from ON models (forked_from) WHERE forked_from IS NOT NULL`);
    await q.query(`ALTER TABLE models ADD COLUMN max_deleted_version int NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE models DROP COLUMN IF EXISTS max_deleted_version`);
    await q.query(`DROP INDEX IF EXISTS models_forked_from`);
    await q.query(`DROP TABLE IF EXISTS model_access_requests`);
    await q.query(`DROP TABLE IF EXISTS model_stars`);
    await q.query(`DROP TABLE IF EXISTS model_collaborators`);
  }
}
