import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Budgets (docs/budgets.md): every stretch a replica is ready (a span: from the moment it says
 * `replica.ready` to the moment it stops being ready) is recorded by a trigger on
 * `deployment_replicas`, so every path that changes a replica — the registry, the reconciler, a
 * requeue, a deletion — is counted without calling anything; the budget keeper turns the spans into
 * replica-milliseconds per deployment and calendar month (UTC). A deployment's monthly budget, the
 * owner's action, and the month's warning and overrun live in `deployment_budgets`; the hold it
 * puts on the deployment (`cap` or `stop`) is a column of `deployments`, read by the reconciler and
 * the autoscaler in the row they already lock.
 */
export class Budgets1767095000000 implements MigrationInterface {
  name = 'Budgets1767095000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deployments ADD COLUMN budget_hold text CONSTRAINT deployments_budget_hold_check CHECK (budget_hold IN ('cap', 'stop'))`);
    await q.query(`
      CREATE TABLE deployment_budgets (
        deployment_id uuid PRIMARY KEY REFERENCES deployments(id) ON DELETE CASCADE,
        limit_replica_hours double precision NOT NULL CHECK (limit_replica_hours > 0),
        action text NOT NULL CHECK (action IN ('cap', 'stop')),
        month date NOT NULL,
        warned_at timestamptz,
        exceeded_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE deployment_replica_usage (
        deployment_id uuid NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        month date NOT NULL,
        replica_ms double precision NOT NULL DEFAULT 0,
        CONSTRAINT deployment_replica_usage_key PRIMARY KEY (deployment_id, month)
      )`);
    await q.query(`
      CREATE TABLE replica_ready_spans (
        id bigserial PRIMARY KEY,
        job_id uuid NOT NULL,
        deployment_id uuid NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        metered_until timestamptz
      )`);
    await q.query(`CREATE INDEX replica_ready_spans_open ON replica_ready_spans (job_id) WHERE ended_at IS NULL`);
    await q.query(`
      CREATE FUNCTION deployment_replica_spans() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP <> 'INSERT' AND OLD.state = 'ready' AND (TG_OP = 'DELETE' OR NEW.state <> 'ready') THEN
          UPDATE replica_ready_spans SET ended_at = greatest(started_at, now()) WHERE job_id = OLD.job_id AND ended_at IS NULL;
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.state = 'ready' AND (TG_OP = 'INSERT' OR OLD.state <> 'ready') THEN
          INSERT INTO replica_ready_spans (job_id, deployment_id, started_at) VALUES (NEW.job_id, NEW.deployment_id, coalesce(NEW.ready_at, now()));
        END IF;
        RETURN NULL;
      END $fn$`);
    await q.query(`CREATE TRIGGER deployment_replica_spans AFTER INSERT OR UPDATE OF state OR DELETE ON deployment_replicas FOR EACH ROW EXECUTE FUNCTION deployment_replica_spans()`);
    // Replicas ready when this runs count from now.
    await q.query(`INSERT INTO replica_ready_spans (job_id, deployment_id, started_at) SELECT job_id, deployment_id, now() FROM deployment_replicas WHERE state = 'ready'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS deployment_replica_spans ON deployment_replicas`);
    await q.query(`DROP FUNCTION IF EXISTS deployment_replica_spans()`);
    await q.query(`DROP TABLE IF EXISTS replica_ready_spans`);
    await q.query(`DROP TABLE IF EXISTS deployment_replica_usage`);
    await q.query(`DROP TABLE IF EXISTS deployment_budgets`);
    await q.query(`ALTER TABLE deployments DROP COLUMN IF EXISTS budget_hold`);
  }
}
