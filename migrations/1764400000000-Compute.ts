import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Federated compute: the node registry (one row per registered node token), the durable jobs
 * table claimed with FOR UPDATE SKIP LOCKED, and every attempt of every job with its node and
 * outcome.
 */
export class Compute1764400000000 implements MigrationInterface {
  name = 'Compute1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE nodes (
        id uuid PRIMARY KEY REFERENCES node_tokens(id) ON DELETE CASCADE,
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name text NOT NULL,
        backend text,
        gpu_name text,
        gpu_memory_bytes bigint,
        cpu_cores int,
        memory_bytes bigint,
        slots int NOT NULL DEFAULT 1,
        labels text[] NOT NULL DEFAULT '{}',
        agent_version text,
        connected boolean NOT NULL DEFAULT false,
        hub_instance text,
        draining boolean NOT NULL DEFAULT false,
        disabled boolean NOT NULL DEFAULT false,
        quarantined boolean NOT NULL DEFAULT false,
        quarantine_reason text,
        load real,
        last_heartbeat_at timestamptz,
        connected_at timestamptz,
        gflops double precision,
        steps_per_second double precision,
        benchmarked_at timestamptz,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX nodes_owner ON nodes (owner_id, created_at DESC)`);
    await q.query(`INSERT INTO nodes (id, owner_id, name, created_at) SELECT id, user_id, name, created_at FROM node_tokens WHERE revoked_at IS NULL`);
    await q.query(`
      CREATE TABLE jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        payload jsonb NOT NULL,
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        organization_id uuid REFERENCES organizations(id) ON DELETE SET NULL,
        priority int NOT NULL DEFAULT 0,
        requirements jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'leased', 'running', 'succeeded', 'failed', 'canceled')),
        attempts int NOT NULL DEFAULT 0,
        failures int NOT NULL DEFAULT 0,
        max_attempts int NOT NULL DEFAULT 3,
        run_after timestamptz NOT NULL DEFAULT now(),
        lease_expires_at timestamptz,
        node_id uuid REFERENCES nodes(id) ON DELETE SET NULL,
        job_token_hash text,
        progress real NOT NULL DEFAULT 0,
        progress_message text,
        metrics jsonb,
        result jsonb,
        error text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX jobs_queue ON jobs (priority DESC, created_at) WHERE status = 'queued'`);
    await q.query(`CREATE INDEX jobs_active_owner ON jobs (owner_id) WHERE status IN ('leased', 'running')`);
    await q.query(`CREATE INDEX jobs_active_node ON jobs (node_id) WHERE status IN ('leased', 'running')`);
    await q.query(`CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE status IN ('leased', 'running')`);
    await q.query(`CREATE INDEX jobs_owner ON jobs (owner_id, created_at DESC)`);
    await q.query(`CREATE UNIQUE INDEX jobs_token ON jobs (job_token_hash) WHERE job_token_hash IS NOT NULL`);
    // Fair share: when each owner last had a job handed out. Owners served least recently go first.
    await q.query(`
      CREATE TABLE job_owner_shares (
        owner_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        last_dispatched_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE job_attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_id uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        attempt int NOT NULL,
        node_id uuid,
        node_name text,
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        outcome text NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'succeeded', 'failed', 'lost', 'released', 'canceled')),
        reason text,
        UNIQUE (job_id, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS job_attempts`);
    await q.query(`DROP TABLE IF EXISTS job_owner_shares`);
    await q.query(`DROP TABLE IF EXISTS jobs`);
    await q.query(`DROP TABLE IF EXISTS nodes`);
  }
}
