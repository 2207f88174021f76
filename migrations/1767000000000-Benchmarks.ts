import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Benchmarks (docs/benchmarks.md): a task on a dataset version, owned by a user or an organization
 * as `owner/name`. The dev split is an ordinary dataset version (`dev_version_id`); the hidden test
 * split is a table in `aimass_private` (`hidden_table`, no privilege for anyone but the hub's user,
 * so the SQL sandbox cannot name it). Full-text search over name, tags and description is kept by
 * a trigger, as for datasets.
 */
export class Benchmarks1767000000000 implements MigrationInterface {
  name = 'Benchmarks1767000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE benchmarks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        tags text[] NOT NULL DEFAULT '{}',
        visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'unlisted', 'private')),
        task text NOT NULL CHECK (task IN ('classification', 'regression')),
        metric text NOT NULL,
        secondary_metrics text[] NOT NULL DEFAULT '{}',
        label text NOT NULL,
        feature_columns jsonb NOT NULL,
        label_type text NOT NULL,
        rules jsonb NOT NULL,
        deadline timestamptz(3),
        split jsonb NOT NULL,
        source_version_id uuid NOT NULL,
        test_source_version_id uuid,
        dev_dataset_id uuid NOT NULL REFERENCES datasets(id),
        dev_version_id uuid NOT NULL REFERENCES dataset_versions(id),
        hidden_table text NOT NULL UNIQUE,
        test_row_count bigint NOT NULL,
        public_row_count bigint NOT NULL,
        search tsvector,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // owner_id is a user id or an organization id (one namespace of handles), so it has no FK.
    await q.query(`CREATE UNIQUE INDEX benchmarks_owner_name ON benchmarks (owner_id, lower(name))`);
    await q.query(`
      CREATE FUNCTION benchmarks_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search :=
          setweight(to_tsvector('simple', regexp_replace(coalesce(NEW.name, ''), '[-_.]', ' ', 'g')), 'A') ||
          setweight(to_tsvector('simple', array_to_string(coalesce(NEW.tags, '{}'), ' ')), 'B') ||
          setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C');
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER benchmarks_search BEFORE INSERT OR UPDATE OF name, tags, description ON benchmarks FOR EACH ROW EXECUTE FUNCTION benchmarks_search_vector()`);
    await q.query(`CREATE INDEX benchmarks_search_gin ON benchmarks USING gin (search)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const tables: { hidden_table: string }[] = await q.query(`SELECT hidden_table FROM benchmarks`);
    for (const { hidden_table } of tables) {
      if (/^aimass_private\.benchmark_[0-9a-f]{32}$/.test(hidden_table)) await q.query(`DROP TABLE IF EXISTS ${hidden_table}`);
    }
    await q.query(`DROP TABLE benchmarks`);
    await q.query(`DROP FUNCTION IF EXISTS benchmarks_search_vector()`);
  }
}
