import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deployment alerts (hub/src/serving/alerts/, docs/alerts.md):
 * - `deployment_alert_rules`: a deployment's rules (a metric, a threshold or an anomaly band, a
 *   window, an action), deleted with the deployment;
 * - `deployment_incidents`: each time a rule's condition held, from its opening to its resolution,
 *   with the values measured at both and what its action did; deleted with the deployment;
 * - `deployments.key_throttles`: API keys an alert throttled on the deployment (id → requests per
 *   second and until when), checked by the admission of every request with that key.
 */
export class DeploymentAlerts1767090000000 implements MigrationInterface {
  name = 'DeploymentAlerts1767090000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE deployment_alert_rules (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      deployment_id uuid NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
      name text NOT NULL,
      metric text NOT NULL,
      condition text NOT NULL,
      threshold double precision,
      sensitivity double precision NOT NULL DEFAULT 4,
      window_seconds integer NOT NULL,
      baseline_minutes integer NOT NULL DEFAULT 60,
      min_requests integer NOT NULL DEFAULT 10,
      action text NOT NULL DEFAULT 'none',
      enabled boolean NOT NULL DEFAULT true,
      created_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE UNIQUE INDEX deployment_alert_rules_name ON deployment_alert_rules (deployment_id, lower(name))`);
    await q.query(`CREATE TABLE deployment_incidents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      rule_id uuid REFERENCES deployment_alert_rules(id) ON DELETE SET NULL,
      deployment_id uuid NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
      rule jsonb NOT NULL,
      opened_at timestamptz NOT NULL,
      resolved_at timestamptz,
      opened_values jsonb NOT NULL,
      resolved_values jsonb,
      action jsonb
    )`);
    await q.query(`CREATE INDEX deployment_incidents_deployment ON deployment_incidents (deployment_id, opened_at DESC, id)`);
    // At most one open incident per rule.
    await q.query(`CREATE UNIQUE INDEX deployment_incidents_open ON deployment_incidents (rule_id) WHERE resolved_at IS NULL`);
    await q.query(`ALTER TABLE deployments ADD COLUMN key_throttles jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deployments DROP COLUMN key_throttles`);
    await q.query(`DROP TABLE deployment_incidents`);
    await q.query(`DROP TABLE deployment_alert_rules`);
  }
}
