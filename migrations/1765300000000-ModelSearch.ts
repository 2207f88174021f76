import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Catalog search: a full-text vector on each model, kept by triggers so every write path keeps it
 * right. The name weighs most (A), then tags (B), then the description and the model card of the
 * newest published version (C). The card part lives in its own column (`card_search`), refreshed
 * by a trigger on model_versions whenever a version is added, removed, published, deprecated,
 * unpublished or its card changes; the model's trigger folds it in. Btree indexes serve the sorts
 * (each ends in id, the keyset's tie-breaker).
 */
export class ModelSearch1765300000000 implements MigrationInterface {
  name = 'ModelSearch1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE models ADD COLUMN search tsvector, ADD COLUMN card_search tsvector NOT NULL DEFAULT ''::tsvector`);
    await q.query(`
      CREATE FUNCTION models_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search :=
          setweight(to_tsvector('simple', regexp_replace(coalesce(NEW.name, ''), '[-_.]', ' ', 'g')), 'A') ||
          setweight(to_tsvector('simple', array_to_string(coalesce(NEW.tags, '{}'), ' ')), 'B') ||
          setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C') ||
          NEW.card_search;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER models_search BEFORE INSERT OR UPDATE OF name, tags, description, card_search ON models FOR EACH ROW EXECUTE FUNCTION models_search_vector()`);
    // The card of the newest published version, as weight C. A model being deleted has no row to update.
    await q.query(`
      CREATE FUNCTION model_card_search(target uuid) RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT coalesce(
          (SELECT setweight(to_tsvector('english', v.card), 'C') FROM model_versions v
            WHERE v.model_id = target AND v.status = 'published' ORDER BY v.number DESC LIMIT 1),
          ''::tsvector)
      $$`);
    await q.query(`
      CREATE FUNCTION model_versions_card_search() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        changed uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.model_id ELSE NEW.model_id END;
        card_vector tsvector := model_card_search(changed);
      BEGIN
        UPDATE models SET card_search = card_vector WHERE id = changed AND card_search IS DISTINCT FROM card_vector;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER model_versions_card_search AFTER INSERT OR DELETE OR UPDATE OF status, card ON model_versions
      FOR EACH ROW EXECUTE FUNCTION model_versions_card_search()`);
    await q.query(`UPDATE models SET card_search = model_card_search(id)`);
    await q.query(`UPDATE models SET name = name`);
    await q.query(`CREATE INDEX models_search_gin ON models USING gin (search)`);
    await q.query(`CREATE INDEX models_stars_id ON models (stars DESC, id DESC)`);
    await q.query(`CREATE INDEX models_downloads_id ON models (downloads DESC, id DESC)`);
    await q.query(`CREATE INDEX models_updated_id ON models (updated_at DESC, id DESC)`);
    await q.query(`CREATE INDEX models_created_id ON models (created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of ['models_created_id', 'models_updated_id', 'models_downloads_id', 'models_stars_id', 'models_search_gin']) {
      await q.query(`DROP INDEX IF EXISTS ${index}`);
    }
    await q.query(`DROP TRIGGER IF EXISTS model_versions_card_search ON model_versions`);
    await q.query(`DROP FUNCTION IF EXISTS model_versions_card_search()`);
    await q.query(`DROP FUNCTION IF EXISTS model_card_search(uuid)`);
    await q.query(`DROP TRIGGER IF EXISTS models_search ON models`);
    await q.query(`DROP FUNCTION IF EXISTS models_search_vector()`);
    await q.query(`ALTER TABLE models DROP COLUMN IF EXISTS search, DROP COLUMN IF EXISTS card_search`);
  }
}
