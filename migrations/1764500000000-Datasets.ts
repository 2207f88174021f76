import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The data market, first step: datasets (owned by a user or an organization, `owner/name`) and
 * their immutable, numbered versions. Each version's rows live in a typed table of its own in the
 * `datasets` schema, named after the version id (`datasets.v_<uuid hex>`), never after user input.
 */
export class Datasets1764500000000 implements MigrationInterface {
  name = 'Datasets1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS datasets`);
    await q.query(`
      CREATE TABLE datasets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        license text NOT NULL DEFAULT '',
        tags text[] NOT NULL DEFAULT '{}',
        visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'unlisted', 'private')),
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // owner_id is a user id or an organization id (one namespace of handles), so it has no FK.
    await q.query(`CREATE UNIQUE INDEX datasets_owner_name ON datasets (owner_id, lower(name))`);
    await q.query(`CREATE INDEX datasets_public ON datasets (created_at DESC) WHERE visibility = 'public'`);
    await q.query(`
      CREATE TABLE dataset_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dataset_id uuid NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        number int NOT NULL,
        table_name text NOT NULL UNIQUE,
        status text NOT NULL DEFAULT 'ready' CHECK (status IN ('ready')),
        row_count bigint NOT NULL,
        columns jsonb NOT NULL,
        ingest_report jsonb NOT NULL,
        profile jsonb,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (dataset_id, number)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dataset_versions`);
    await q.query(`DROP TABLE datasets`);
    await q.query(`DROP SCHEMA datasets CASCADE`);
  }
}
