import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A claim that does not grow with the queue (compute/queue/claim-jobs.ts):
 * - job_owner_shares becomes the per-owner summary the claim orders owners by: how many jobs each
 *   owner has queued and running (leased or running), kept exact by triggers on jobs in the same
 *   transaction as every status change, so no statement that changes a job's status has to know;
 *   last_dispatched_at is NULL for an owner never served (first in fair order, as before);
 * - jobs_owner_queue finds one owner's queued jobs in claim order without touching anyone else's.
 *
 * Decrements only UPDATE an existing row (never insert): when a user is deleted, the cascade
 * removes their share row and their jobs in one statement, and an insert there would reference
 * the deleted user.
 */
export class ClaimSummary1766800000000 implements MigrationInterface {
  name = 'ClaimSummary1766800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE job_owner_shares ALTER COLUMN last_dispatched_at DROP NOT NULL`);
    await q.query(`ALTER TABLE job_owner_shares ADD COLUMN queued int NOT NULL DEFAULT 0, ADD COLUMN running int NOT NULL DEFAULT 0`);
    await q.query(`CREATE INDEX jobs_owner_queue ON jobs (owner_id, priority DESC, created_at, id) WHERE status = 'queued'`);
    await q.query(`
      CREATE FUNCTION job_owner_count(owner uuid, dq int, dr int) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF dq = 0 AND dr = 0 THEN RETURN; END IF;
        IF dq > 0 OR dr > 0 THEN
          INSERT INTO job_owner_shares (owner_id, queued, running) VALUES (owner, dq, dr)
          ON CONFLICT (owner_id) DO UPDATE SET queued = job_owner_shares.queued + excluded.queued, running = job_owner_shares.running + excluded.running;
        ELSE
          UPDATE job_owner_shares SET queued = queued + dq, running = running + dr WHERE owner_id = owner;
        END IF;
      END $$`);
    await q.query(`
      CREATE FUNCTION jobs_count_owner() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        old_q int := 0; old_r int := 0; new_q int := 0; new_r int := 0;
      BEGIN
        old_q := (OLD.status = 'queued')::int;
        old_r := (OLD.status IN ('leased', 'running'))::int;
        new_q := (NEW.status = 'queued')::int;
        new_r := (NEW.status IN ('leased', 'running'))::int;
        IF OLD.owner_id = NEW.owner_id THEN
          PERFORM job_owner_count(NEW.owner_id, new_q - old_q, new_r - old_r);
        ELSE
          PERFORM job_owner_count(OLD.owner_id, -old_q, -old_r);
          PERFORM job_owner_count(NEW.owner_id, new_q, new_r);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION jobs_truncate_counts() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE job_owner_shares SET queued = 0, running = 0 WHERE queued <> 0 OR running <> 0;
        RETURN NULL;
      END $$`);
    // Inserts and deletes once per statement (one upsert per owner, however many rows): a row
    // trigger would update one owner's row once per job of a bulk insert.
    await q.query(`
      CREATE FUNCTION jobs_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM job_owner_count(owner_id, count(*) FILTER (WHERE status = 'queued')::int, count(*) FILTER (WHERE status IN ('leased', 'running'))::int)
        FROM inserted GROUP BY owner_id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION jobs_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM job_owner_count(owner_id, -(count(*) FILTER (WHERE status = 'queued'))::int, -(count(*) FILTER (WHERE status IN ('leased', 'running')))::int)
        FROM deleted GROUP BY owner_id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER jobs_count_inserted AFTER INSERT ON jobs REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION jobs_count_inserted()`);
    await q.query(`CREATE TRIGGER jobs_count_deleted AFTER DELETE ON jobs REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION jobs_count_deleted()`);
    await q.query(`
      CREATE TRIGGER jobs_count_owner_update AFTER UPDATE OF status, owner_id ON jobs FOR EACH ROW
      WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.owner_id IS DISTINCT FROM NEW.owner_id)
      EXECUTE FUNCTION jobs_count_owner()`);
    await q.query(`CREATE TRIGGER jobs_truncate_counts AFTER TRUNCATE ON jobs FOR EACH STATEMENT EXECUTE FUNCTION jobs_truncate_counts()`);
    // The counts of the jobs already there.
    await q.query(`
      INSERT INTO job_owner_shares (owner_id, queued, running)
      SELECT owner_id, count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status IN ('leased', 'running'))
      FROM jobs WHERE status IN ('queued', 'leased', 'running') GROUP BY owner_id
      ON CONFLICT (owner_id) DO UPDATE SET queued = excluded.queued, running = excluded.running`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS jobs_truncate_counts ON jobs`);
    await q.query(`DROP TRIGGER IF EXISTS jobs_count_owner_update ON jobs`);
    await q.query(`DROP TRIGGER IF EXISTS jobs_count_deleted ON jobs`);
    await q.query(`DROP TRIGGER IF EXISTS jobs_count_inserted ON jobs`);
    await q.query(`DROP FUNCTION IF EXISTS jobs_count_deleted()`);
    await q.query(`DROP FUNCTION IF EXISTS jobs_count_inserted()`);
    await q.query(`DROP FUNCTION IF EXISTS jobs_truncate_counts()`);
    await q.query(`DROP FUNCTION IF EXISTS jobs_count_owner()`);
    await q.query(`DROP FUNCTION IF EXISTS job_owner_count(uuid, int, int)`);
    await q.query(`DROP INDEX IF EXISTS jobs_owner_queue`);
    await q.query(`DELETE FROM job_owner_shares WHERE last_dispatched_at IS NULL`);
    await q.query(`ALTER TABLE job_owner_shares DROP COLUMN queued, DROP COLUMN running`);
    await q.query(`ALTER TABLE job_owner_shares ALTER COLUMN last_dispatched_at SET NOT NULL`);
  }
}
