import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A benchmark's final ranking is announced once (docs/benchmarks.md#final-ranking): when its
 * deadline has passed, the hub that claims it (sets `final_ranking_announced_at`) tells each
 * submitter their final rank and the shake-up, and the followers of the models on the board.
 * Benchmarks closed before this migration count as announced: they were closed without it.
 */
export class BenchmarkFinalRanking1767150000000 implements MigrationInterface {
  name = 'BenchmarkFinalRanking1767150000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE benchmarks ADD COLUMN final_ranking_announced_at timestamptz`);
    await q.query(`UPDATE benchmarks SET final_ranking_announced_at = now() WHERE deadline IS NOT NULL AND deadline <= now()`);
    await q.query(`CREATE INDEX benchmarks_final_ranking_due ON benchmarks (deadline) WHERE deadline IS NOT NULL AND final_ranking_announced_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS benchmarks_final_ranking_due`);
    await q.query(`ALTER TABLE benchmarks DROP COLUMN IF EXISTS final_ranking_announced_at`);
  }
}
