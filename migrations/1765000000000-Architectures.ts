import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saved architectures for the model editor: a model spec (layer graph JSON, validated before it is
 * stored) owned by a user or an organization as `owner/name`, with the summary of its validation.
 */
export class Architectures1765000000000 implements MigrationInterface {
  name = 'Architectures1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE architectures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        tags text[] NOT NULL DEFAULT '{}',
        visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'unlisted', 'private')),
        spec json NOT NULL,
        summary jsonb NOT NULL,
        total_params bigint NOT NULL,
        trainable_params bigint NOT NULL,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // spec is json, not jsonb: the editor gets back the document it saved, keys in its order.
    // owner_id is a user id or an organization id (one namespace of handles), so it has no FK.
    await q.query(`CREATE UNIQUE INDEX architectures_owner_name ON architectures (owner_id, lower(name))`);
    await q.query(`CREATE INDEX architectures_public ON architectures (created_at DESC) WHERE visibility = 'public'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE architectures`);
  }
}
