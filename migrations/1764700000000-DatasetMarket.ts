import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The data market: full-text search over datasets (name weighs most, then tags, then the
 * description), stars and usage counts. The search vector is kept by a trigger so every write path
 * keeps it right; `array_to_string` is not immutable, so a generated column cannot hold it.
 */
export class DatasetMarket1764700000000 implements MigrationInterface {
  name = 'DatasetMarket1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE datasets ADD COLUMN search tsvector, ADD COLUMN stars int NOT NULL DEFAULT 0, ADD COLUMN usage_count bigint NOT NULL DEFAULT 0`);
    await q.query(`
      CREATE FUNCTION datasets_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search :=
          setweight(to_tsvector('simple', regexp_replace(coalesce(NEW.name, ''), '[-_.]', ' ', 'g')), 'A') ||
          setweight(to_tsvector('simple', array_to_string(coalesce(NEW.tags, '{}'), ' ')), 'B') ||
          setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C');
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER datasets_search BEFORE INSERT OR UPDATE OF name, tags, description ON datasets FOR EACH ROW EXECUTE FUNCTION datasets_search_vector()`);
    await q.query(`UPDATE datasets SET name = name`);
    await q.query(`CREATE INDEX datasets_search_gin ON datasets USING gin (search)`);
    await q.query(`
      CREATE TABLE dataset_stars (
        dataset_id uuid NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (dataset_id, user_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS dataset_stars`);
    await q.query(`DROP TRIGGER IF EXISTS datasets_search ON datasets`);
    await q.query(`DROP FUNCTION IF EXISTS datasets_search_vector()`);
    await q.query(`ALTER TABLE datasets DROP COLUMN IF EXISTS search, DROP COLUMN IF EXISTS stars, DROP COLUMN IF EXISTS usage_count`);
  }
}
