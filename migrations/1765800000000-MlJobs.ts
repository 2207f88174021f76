import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ML.PREDICT and ML.EVALUATE by SQL: one row per `predict` job (what it reads and the columns it
 * answers), and the result rows of ML.PREDICT — the input row the hub served the agent and the
 * prediction the agent sent back for it — paged by their position `n`.
 */
export class MlJobs1765800000000 implements MigrationInterface {
  name = 'MlJobs1765800000000';

  async up(q: QueryRunner): Promise<void> {
    // job_id has no foreign key: the row is written before its job is queued (as training_runs).
    await q.query(`
      CREATE TABLE ml_jobs (
        job_id uuid PRIMARY KEY,
        mode text NOT NULL CHECK (mode IN ('predict', 'evaluate')),
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        model_version_id uuid NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
        statement text NOT NULL,
        query_sql text NOT NULL,
        datasets jsonb NOT NULL,
        task text NOT NULL,
        labels jsonb NOT NULL,
        label_name text NOT NULL,
        columns jsonb NOT NULL,
        row_count bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ml_jobs_reuse ON ml_jobs (owner_id, model_version_id, mode, created_at DESC)`);
    await q.query(`
      CREATE TABLE ml_result_rows (
        job_id uuid NOT NULL REFERENCES ml_jobs(job_id) ON DELETE CASCADE,
        n int NOT NULL,
        input jsonb NOT NULL,
        predicted jsonb,
        PRIMARY KEY (job_id, n)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ml_result_rows`);
    await q.query(`DROP TABLE ml_jobs`);
  }
}
