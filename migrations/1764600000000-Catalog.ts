import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The model catalog, first step: models (owned by a user or an organization, `owner/name`), their
 * immutable numbered versions (files in the content-addressed artifact store, by sha256) and
 * aliases (movable pointers to versions).
 */
export class Catalog1764600000000 implements MigrationInterface {
  name = 'Catalog1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE models (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL,
        name text NOT NULL,
        task text NOT NULL DEFAULT '',
        framework text NOT NULL DEFAULT 'tfjs-layers',
        tags text[] NOT NULL DEFAULT '{}',
        license text NOT NULL DEFAULT '',
        visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'unlisted', 'private')),
        description text NOT NULL DEFAULT '',
        forked_from uuid REFERENCES models(id) ON DELETE SET NULL,
        stars int NOT NULL DEFAULT 0,
        downloads bigint NOT NULL DEFAULT 0,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // owner_id is a user id or an organization id (one namespace of handles), so it has no FK.
    await q.query(`CREATE UNIQUE INDEX models_owner_name ON models (owner_id, lower(name))`);
    await q.query(`CREATE INDEX models_public ON models (created_at DESC) WHERE visibility = 'public'`);
    await q.query(`CREATE INDEX models_tags ON models USING gin (tags)`);
    await q.query(`
      CREATE TABLE model_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        number int NOT NULL,
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'deprecated')),
        files jsonb NOT NULL,
        signature jsonb,
        metrics jsonb,
        lineage jsonb,
        card text NOT NULL DEFAULT '',
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (model_id, number)
      )`);
    await q.query(`
      CREATE TABLE model_aliases (
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        alias text NOT NULL,
        version_id uuid NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (model_id, alias)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE model_aliases`);
    await q.query(`DROP TABLE model_versions`);
    await q.query(`DROP TABLE models`);
  }
}
