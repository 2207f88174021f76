import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ML.EVALUATE is scored by the hub, not the agent: ml_jobs keeps the hub's metrics (computed from
 * the labels it kept and the agent's outputs) and, when the hub refused an attempt's outputs, why
 * and which attempt (that attempt cannot then succeed); each output row records the attempt that
 * sent it, so only the succeeding attempt's outputs are counted and scored. Evaluations that
 * finished before keep the metrics their job reported.
 */
export class MlHubScores1767010000000 implements MigrationInterface {
  name = 'MlHubScores1767010000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ml_jobs ADD COLUMN metrics jsonb, ADD COLUMN refusal text, ADD COLUMN refused_attempt int`);
    await q.query(`ALTER TABLE ml_result_rows ADD COLUMN attempt int`);
    await q.query(
      `UPDATE ml_jobs m SET metrics = j.result->'metrics' FROM jobs j WHERE j.id = m.job_id AND m.mode = 'evaluate' AND j.status = 'succeeded' AND jsonb_typeof(j.result->'metrics') = 'object'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ml_result_rows DROP COLUMN IF EXISTS attempt`);
    await q.query(`ALTER TABLE ml_jobs DROP COLUMN IF EXISTS metrics, DROP COLUMN IF EXISTS refusal, DROP COLUMN IF EXISTS refused_attempt`);
  }
}
