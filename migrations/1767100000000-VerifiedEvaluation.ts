import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verified evaluation (docs/evaluation.md, "Verified evaluation"): each benchmark run records the
 * node and attempt that returned it, its round (a re-run after a quarantine starts a new round),
 * its verdict and its spot check; a submission keeps the hub's own predictions on its spot-check
 * sample and its round; each node keeps its evaluation record (node_reputation). A queued run's
 * job carries `requirements.quorum` (submission/round), which the claim reads to keep the runs of
 * one round on nodes of different owners (jobs_quorum finds them).
 */
export class VerifiedEvaluation1767100000000 implements MigrationInterface {
  name = 'VerifiedEvaluation1767100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE benchmark_runs DROP CONSTRAINT IF EXISTS benchmark_runs_status_check`);
    // RETURNED: the outputs are in and wait for the quorum.
    await q.query(`ALTER TABLE benchmark_runs ADD CONSTRAINT benchmark_runs_status_check CHECK (status IN ('QUEUED', 'RETURNED', 'SCORED', 'FAILED'))`);
    await q.query(`
      ALTER TABLE benchmark_runs
        ADD COLUMN round integer NOT NULL DEFAULT 1,
        ADD COLUMN node_id uuid,
        ADD COLUMN node_owner_id uuid,
        ADD COLUMN attempt integer,
        ADD COLUMN verdict text CHECK (verdict IN ('AGREED', 'SPOT_CHECKED', 'DISAGREED', 'DISCARDED')),
        ADD COLUMN spot_check text CHECK (spot_check IN ('PASSED', 'FAILED', 'SKIPPED'))`);
    await q.query(`CREATE INDEX benchmark_runs_node ON benchmark_runs (node_id) WHERE node_id IS NOT NULL`);
    await q.query(`ALTER TABLE benchmark_submissions ADD COLUMN round integer NOT NULL DEFAULT 1, ADD COLUMN spot_sample jsonb`);
    await q.query(`
      CREATE TABLE node_reputation (
        node_id uuid PRIMARY KEY REFERENCES nodes(id) ON DELETE CASCADE,
        agreed integer NOT NULL DEFAULT 0,
        disagreed integer NOT NULL DEFAULT 0,
        spot_checks_passed integer NOT NULL DEFAULT 0,
        spot_checks_failed integer NOT NULL DEFAULT 0,
        clean_streak integer NOT NULL DEFAULT 0,
        last_result_at timestamptz
      )`);
    await q.query(`CREATE INDEX jobs_quorum ON jobs ((requirements->>'quorum')) WHERE requirements ? 'quorum'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS jobs_quorum`);
    await q.query(`DROP TABLE node_reputation`);
    await q.query(`ALTER TABLE benchmark_submissions DROP COLUMN round, DROP COLUMN spot_sample`);
    await q.query(`DROP INDEX IF EXISTS benchmark_runs_node`);
    await q.query(`ALTER TABLE benchmark_runs DROP COLUMN round, DROP COLUMN node_id, DROP COLUMN node_owner_id, DROP COLUMN attempt, DROP COLUMN verdict, DROP COLUMN spot_check`);
    await q.query(`UPDATE benchmark_runs SET status = 'SCORED' WHERE status = 'RETURNED'`);
    await q.query(`ALTER TABLE benchmark_runs DROP CONSTRAINT IF EXISTS benchmark_runs_status_check`);
    await q.query(`ALTER TABLE benchmark_runs ADD CONSTRAINT benchmark_runs_status_check CHECK (status IN ('QUEUED', 'SCORED', 'FAILED'))`);
  }
}
