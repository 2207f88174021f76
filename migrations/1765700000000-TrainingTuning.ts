import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hyperparameter tuning (CREATE MODEL with num_trials > 1): one row per tuning, and its trials as
 * training runs (each a `train` job of its own) that point at it. A trial's trained model is kept
 * as a candidate (`trial_artifact`: its files in the artifact store, named here so the orphan
 * sweep keeps them) until the tuning picks the best; only that one becomes a model version.
 */
export class TrainingTuning1765700000000 implements MigrationInterface {
  name = 'TrainingTuning1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE training_tunings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        organization_id uuid,
        num_trials int NOT NULL,
        max_parallel_trials int NOT NULL,
        seed bigint NOT NULL,
        search text NOT NULL,
        objective text NOT NULL,
        payload jsonb NOT NULL,
        tuned jsonb NOT NULL,
        status text NOT NULL DEFAULT 'running',
        error text,
        best_run_id uuid,
        model_version_id uuid REFERENCES model_versions(id) ON DELETE SET NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        finished_at timestamptz(3)
      )`);
    await q.query(`CREATE INDEX training_tunings_active ON training_tunings (created_at) WHERE status IN ('running', 'finishing')`);
    await q.query(`ALTER TABLE training_runs ADD COLUMN tuning_id uuid REFERENCES training_tunings(id) ON DELETE CASCADE`);
    await q.query(`ALTER TABLE training_runs ADD COLUMN trial_number int`);
    // False until the trial's job is queued (at most max_parallel_trials of a tuning are out at once).
    await q.query(`ALTER TABLE training_runs ADD COLUMN trial_submitted boolean NOT NULL DEFAULT true`);
    await q.query(`ALTER TABLE training_runs ADD COLUMN trial_submitted_at timestamptz(3)`);
    await q.query(`ALTER TABLE training_runs ADD COLUMN trial_artifact jsonb`);
    await q.query(`CREATE INDEX training_runs_tuning ON training_runs (tuning_id, trial_number) WHERE tuning_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS training_runs_tuning`);
    await q.query(`ALTER TABLE training_runs DROP COLUMN IF EXISTS trial_artifact, DROP COLUMN IF EXISTS trial_submitted, DROP COLUMN IF EXISTS trial_submitted_at, DROP COLUMN IF EXISTS trial_number, DROP COLUMN IF EXISTS tuning_id`);
    await q.query(`DROP TABLE IF EXISTS training_tunings`);
  }
}
