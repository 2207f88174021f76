import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Continuous training (docs/retraining.md): a model trained by SQL keeps its CREATE MODEL
 * statement and its triggers (on new data, on a cron schedule, paused), and each retraining is a
 * run. At most one run of a model is active (QUEUED, TRAINING or JUDGING) at any time, whichever
 * hub or trigger started it: a partial unique index says so.
 */
export class Retraining1767130000000 implements MigrationInterface {
  name = 'Retraining1767130000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retraining_triggers (
        model_id uuid PRIMARY KEY REFERENCES models(id) ON DELETE CASCADE,
        on_new_data boolean NOT NULL DEFAULT false,
        cron text,
        paused boolean NOT NULL DEFAULT false,
        statement text NOT NULL,
        actor_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        watched jsonb NOT NULL DEFAULT '[]',
        cron_checked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE retraining_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        trigger text NOT NULL,
        state text NOT NULL DEFAULT 'QUEUED',
        detail text,
        scheduled_for timestamptz,
        requested_by uuid REFERENCES users(id) ON DELETE SET NULL,
        job_id uuid,
        data_versions jsonb NOT NULL DEFAULT '[]',
        holdout_sql text,
        holdout_rows int,
        challenger_version int,
        comparison_id text,
        promoted boolean,
        reason text,
        scores jsonb,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        trained_at timestamptz,
        judging_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX retraining_runs_one_active ON retraining_runs (model_id) WHERE state IN ('QUEUED', 'TRAINING', 'JUDGING')`);
    await q.query(`CREATE INDEX retraining_runs_model ON retraining_runs (model_id, created_at DESC)`);
    await q.query(`CREATE INDEX retraining_runs_active ON retraining_runs (state) WHERE state IN ('QUEUED', 'TRAINING', 'JUDGING')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE retraining_runs`);
    await q.query(`DROP TABLE retraining_triggers`);
  }
}
