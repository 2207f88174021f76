import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A claim that does not grow with the queue (compute/queue/claim-jobs.ts): jobs_owner_queue lists
 * each owner's queued jobs in claim order, so the claim finds the owners with queued work by a
 * skip scan (one probe per owner) and each owner's first jobs without reading anyone else's.
 */
export class ClaimQueueIndex1766800000000 implements MigrationInterface {
  name = 'ClaimQueueIndex1766800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX jobs_owner_queue ON jobs (owner_id, priority DESC, created_at, id) WHERE status = 'queued'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS jobs_owner_queue`);
  }
}
