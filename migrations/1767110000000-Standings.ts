import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Teams, standing benchmarks and model standings (docs/benchmarks.md#teams, #standing-benchmarks,
 * #standings). A submission made on behalf of an organization carries it as its team (the daily
 * limit and the board count the team). A model entered in a standing benchmark has each new
 * version submitted by whoever entered it. A model's standing is its best scored submission's
 * rank among the models on the benchmark's board in force, kept by the hub after each scoring:
 * the catalog sorts by it and the model's followers hear when it enters the top 10 or comes first.
 */
export class Standings1767110000000 implements MigrationInterface {
  name = 'Standings1767110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE benchmark_submissions ADD COLUMN team_id uuid REFERENCES organizations(id) ON DELETE SET NULL`);
    await q.query(`ALTER TABLE benchmark_submissions ADD COLUMN automatic boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE INDEX benchmark_submissions_team ON benchmark_submissions (benchmark_id, team_id, created_at DESC) WHERE team_id IS NOT NULL`);
    await q.query(`CREATE INDEX benchmark_submissions_model ON benchmark_submissions (model_id)`);
    await q.query(`
      CREATE TABLE benchmark_entries (
        benchmark_id uuid NOT NULL REFERENCES benchmarks(id) ON DELETE CASCADE,
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        team_id uuid REFERENCES organizations(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (benchmark_id, model_id)
      )`);
    await q.query(`CREATE INDEX benchmark_entries_model ON benchmark_entries (model_id)`);
    await q.query(`
      CREATE TABLE benchmark_model_standings (
        benchmark_id uuid NOT NULL REFERENCES benchmarks(id) ON DELETE CASCADE,
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        submission_id uuid NOT NULL REFERENCES benchmark_submissions(id) ON DELETE CASCADE,
        model_version int NOT NULL,
        score double precision NOT NULL,
        rank int NOT NULL,
        final boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (benchmark_id, model_id)
      )`);
    await q.query(`CREATE INDEX benchmark_model_standings_model ON benchmark_model_standings (model_id)`);
    await q.query(`CREATE INDEX benchmark_model_standings_rank ON benchmark_model_standings (benchmark_id, rank)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE benchmark_model_standings`);
    await q.query(`DROP TABLE benchmark_entries`);
    await q.query(`DROP INDEX benchmark_submissions_model`);
    await q.query(`ALTER TABLE benchmark_submissions DROP COLUMN automatic`);
    await q.query(`ALTER TABLE benchmark_submissions DROP COLUMN team_id`);
  }
}
