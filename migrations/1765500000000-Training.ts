import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Training by SQL (CREATE MODEL … AS SELECT): one row per training run (a `train` job), the
 * epochs each attempt reported, and the checkpoints agents uploaded (blobs in the artifact store,
 * named here so the orphan sweep keeps them).
 */
export class Training1765500000000 implements MigrationInterface {
  name = 'Training1765500000000';

  async up(q: QueryRunner): Promise<void> {
    // job_id has no foreign key: the run is written before its job is queued, so that an agent
    // given the job always finds it (jobs are never deleted).
    await q.query(`
      CREATE TABLE training_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_id uuid NOT NULL UNIQUE,
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        statement text NOT NULL,
        query_sql text NOT NULL,
        datasets jsonb NOT NULL,
        model_type text NOT NULL,
        task text NOT NULL,
        label jsonb NOT NULL,
        features jsonb NOT NULL,
        hyperparameters jsonb NOT NULL,
        row_count bigint NOT NULL,
        model_version_id uuid REFERENCES model_versions(id) ON DELETE SET NULL,
        epochs_trained int,
        stopped_early boolean,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX training_runs_model ON training_runs (model_id, created_at DESC)`);
    await q.query(`CREATE INDEX training_runs_version ON training_runs (model_version_id) WHERE model_version_id IS NOT NULL`);
    // Each attempt's epochs are kept (an epoch run again after a resume is a second row), so the
    // history shows what was redone; readers take the latest attempt's row per epoch.
    await q.query(`
      CREATE TABLE training_epochs (
        run_id uuid NOT NULL REFERENCES training_runs(id) ON DELETE CASCADE,
        epoch int NOT NULL,
        attempt int NOT NULL,
        node_id uuid,
        loss double precision NOT NULL,
        eval_loss double precision,
        learning_rate double precision NOT NULL,
        duration_ms int NOT NULL,
        metrics jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, epoch, attempt)
      )`);
    await q.query(`
      CREATE TABLE training_checkpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL REFERENCES training_runs(id) ON DELETE CASCADE,
        epoch int NOT NULL,
        attempt int NOT NULL,
        node_id uuid,
        state_sha256 text NOT NULL,
        weights_sha256 text NOT NULL,
        bytes bigint NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX training_checkpoints_run ON training_checkpoints (run_id, epoch DESC, created_at DESC)`);
    await q.query(`CREATE INDEX training_checkpoints_state ON training_checkpoints (state_sha256)`);
    await q.query(`CREATE INDEX training_checkpoints_weights ON training_checkpoints (weights_sha256)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS training_checkpoints`);
    await q.query(`DROP TABLE IF EXISTS training_epochs`);
    await q.query(`DROP TABLE IF EXISTS training_runs`);
  }
}
