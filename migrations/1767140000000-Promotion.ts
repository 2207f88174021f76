import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Champion and challenger (docs/promotion.md): each model's promotion rule, the comparisons of a
 * challenger version with the champion (the version its `production` alias points at), the
 * history of production (what promotion and roll back move through), and the model's timeline
 * (retrainings, comparisons, decisions, promotions, roll backs), whose rows are also the event
 * ids of the notifications their followers get.
 */
export class Promotion1767140000000 implements MigrationInterface {
  name = 'Promotion1767140000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE promotion_rules (
        model_id uuid PRIMARY KEY REFERENCES models(id) ON DELETE CASCADE,
        metric text NOT NULL,
        min_improvement double precision NOT NULL CHECK (min_improvement >= 0),
        tolerance double precision NOT NULL CHECK (tolerance >= 0),
        updated_by uuid REFERENCES users(id) ON DELETE SET NULL,
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE promotion_comparisons (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        challenger_version_id uuid NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
        challenger_number int NOT NULL,
        champion_version_id uuid REFERENCES model_versions(id) ON DELETE SET NULL,
        champion_number int,
        method text NOT NULL CHECK (method IN ('holdout', 'benchmark', 'none')),
        holdout_sql text,
        benchmark_id uuid,
        data_versions jsonb NOT NULL DEFAULT '[]',
        retraining_run_id uuid,
        -- Asked by an owner ("would it win?") or decided (the winner moves production).
        decides boolean NOT NULL,
        status text NOT NULL CHECK (status IN ('evaluating', 'decided', 'failed')),
        rule jsonb,
        scores jsonb NOT NULL DEFAULT '{}',
        wins boolean,
        promoted boolean NOT NULL DEFAULT false,
        reason text,
        requested_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        finished_at timestamptz(3)
      )`);
    await q.query(`CREATE INDEX promotion_comparisons_model ON promotion_comparisons (model_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE production_history (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- The order of moves (two in one transaction share created_at).
        seq bigint GENERATED ALWAYS AS IDENTITY,
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        version_id uuid NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
        number int NOT NULL,
        how text NOT NULL CHECK (how IN ('promoted', 'by_hand', 'rolled_back')),
        comparison_id uuid REFERENCES promotion_comparisons(id) ON DELETE SET NULL,
        rolled_back_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX production_history_model ON production_history (model_id, seq DESC)`);
    await q.query(`
      CREATE TABLE model_timeline_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind ~ '^[A-Z][A-Z0-9_]{0,63}$'),
        version int,
        message text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX model_timeline_events_model ON model_timeline_events (model_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE model_timeline_events`);
    await q.query(`DROP TABLE production_history`);
    await q.query(`DROP TABLE promotion_comparisons`);
    await q.query(`DROP TABLE promotion_rules`);
  }
}
