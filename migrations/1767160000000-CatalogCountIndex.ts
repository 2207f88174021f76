import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalog's `totalCount` without a search text counts every model the reader may list
 * (public, theirs, their organizations', shared with them): with this index PostgreSQL answers it
 * from the index alone (an index-only scan of three narrow columns) instead of reading every wide
 * `models` row (name, description and two search vectors); docs/performance.md, catalog search.
 */
export class CatalogCountIndex1767160000000 implements MigrationInterface {
  name = 'CatalogCountIndex1767160000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX models_visibility_owner ON models (visibility, owner_id) INCLUDE (id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS models_visibility_owner`);
  }
}
