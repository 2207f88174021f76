import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Dataset collaborators with roles, and access requests that the dataset's admins decide. */
export class DatasetSharing1764800000000 implements MigrationInterface {
  name = 'DatasetSharing1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dataset_collaborators (
        dataset_id uuid NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('read', 'write', 'admin')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (dataset_id, user_id)
      )`);
    await q.query(`CREATE INDEX dataset_collaborators_user ON dataset_collaborators (user_id)`);
    await q.query(`
      CREATE TABLE dataset_access_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dataset_id uuid NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        requester_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        message text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied')),
        decided_by uuid REFERENCES users(id) ON DELETE SET NULL,
        decided_at timestamptz,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX dataset_access_requests_pending ON dataset_access_requests (dataset_id, requester_id) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS dataset_access_requests`);
    await q.query(`DROP TABLE IF EXISTS dataset_collaborators`);
  }
}
