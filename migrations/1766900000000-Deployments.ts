import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deployments (a model version online, owned like a model) and their replicas (`serve` jobs), see
 * docs/serving.md. A replica row lives as long as its job is active; the job's row is the truth
 * about where it is leased, the replica row about whether it is ready and its load.
 */
export class Deployments1766900000000 implements MigrationInterface {
  name = 'Deployments1766900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deployments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL,
        name text NOT NULL,
        model_id uuid NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        version_id uuid NOT NULL,
        version_number int NOT NULL,
        alias text,
        min_replicas int NOT NULL DEFAULT 1 CHECK (min_replicas >= 0),
        max_replicas int NOT NULL DEFAULT 1 CHECK (max_replicas >= min_replicas),
        requirements jsonb NOT NULL DEFAULT '{}',
        batching jsonb NOT NULL DEFAULT '{}',
        requests_per_second double precision CHECK (requests_per_second IS NULL OR requests_per_second > 0),
        daily_requests int CHECK (daily_requests IS NULL OR daily_requests > 0),
        visibility text NOT NULL DEFAULT 'private' CHECK (visibility IN ('public', 'unlisted', 'private')),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'starting', 'ready', 'degraded', 'failed', 'stopped')),
        status_message text,
        failures int NOT NULL DEFAULT 0,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX deployments_owner_name ON deployments (owner_id, lower(name))`);
    await q.query(`CREATE INDEX deployments_model ON deployments (model_id)`);
    await q.query(`CREATE INDEX deployments_created ON deployments (created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE deployment_replicas (
        job_id uuid PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
        deployment_id uuid NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        version_id uuid NOT NULL,
        version_number int NOT NULL,
        attempt int NOT NULL DEFAULT 0,
        node_id uuid,
        hub_instance text,
        state text NOT NULL DEFAULT 'placing' CHECK (state IN ('placing', 'ready', 'lost', 'stopping')),
        ready_at timestamptz(3),
        in_flight int NOT NULL DEFAULT 0,
        queued int NOT NULL DEFAULT 0,
        latency_ms double precision,
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX deployment_replicas_deployment ON deployment_replicas (deployment_id)`);
    await q.query(`CREATE INDEX deployment_replicas_ready ON deployment_replicas (deployment_id) WHERE state = 'ready'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS deployment_replicas`);
    await q.query(`DROP TABLE IF EXISTS deployments`);
  }
}
