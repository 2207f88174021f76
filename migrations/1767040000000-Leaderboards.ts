import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Benchmark submissions and their evaluation runs (docs/benchmarks.md#submissions). A submission
 * is a model version sent to a benchmark; each evaluation run is one `predict` job over the hidden
 * features (ml_jobs.mode = 'benchmark', its rows keyed by the hidden row's key). A submission's
 * scores are those of its accepted run: one run, scored by the hub, is accepted; replication
 * across nodes adds runs per submission without changing the submission's shape.
 */
export class Leaderboards1767040000000 implements MigrationInterface {
  name = 'Leaderboards1767040000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ml_jobs DROP CONSTRAINT IF EXISTS ml_jobs_mode_check`);
    await q.query(`ALTER TABLE ml_jobs ADD CONSTRAINT ml_jobs_mode_check CHECK (mode IN ('predict', 'evaluate', 'benchmark'))`);
    await q.query(`ALTER TABLE ml_jobs ADD COLUMN benchmark_id uuid REFERENCES benchmarks(id) ON DELETE CASCADE`);
    await q.query(`
      CREATE TABLE benchmark_submissions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        benchmark_id uuid NOT NULL REFERENCES benchmarks(id) ON DELETE CASCADE,
        submitter_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        model_id uuid NOT NULL,
        model_version_id uuid NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
        model_version int NOT NULL,
        status text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'RUNNING', 'SCORED', 'FAILED')),
        error text,
        public_score double precision,
        public_low double precision,
        public_high double precision,
        private_score double precision,
        public_metrics jsonb,
        private_metrics jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        scored_at timestamptz
      )`);
    await q.query(`CREATE INDEX benchmark_submissions_board ON benchmark_submissions (benchmark_id, status)`);
    await q.query(`CREATE INDEX benchmark_submissions_mine ON benchmark_submissions (benchmark_id, submitter_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE benchmark_runs (
        job_id uuid PRIMARY KEY,
        submission_id uuid NOT NULL REFERENCES benchmark_submissions(id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'SCORED', 'FAILED')),
        accepted boolean NOT NULL DEFAULT false,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX benchmark_runs_submission ON benchmark_runs (submission_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE benchmark_runs`);
    await q.query(`DROP TABLE benchmark_submissions`);
    await q.query(`DELETE FROM ml_jobs WHERE mode = 'benchmark'`);
    await q.query(`ALTER TABLE ml_jobs DROP COLUMN benchmark_id`);
    await q.query(`ALTER TABLE ml_jobs DROP CONSTRAINT IF EXISTS ml_jobs_mode_check`);
    await q.query(`ALTER TABLE ml_jobs ADD CONSTRAINT ml_jobs_mode_check CHECK (mode IN ('predict', 'evaluate'))`);
  }
}
