import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trust: data residency and measured node speed.
 *
 * - jobs.residency: the owners (users or organizations) whose non-public data the job reads; a
 *   node may claim it only when every one of them trusts the node (NULL: any node).
 * - trusted_nodes / trusted_providers: nodes, and users whose nodes, an owner trusts besides its
 *   own (and its organization members'). Node ids are node token ids.
 * - nodes.operator_run: a node the hub's operator runs (npm start's local agents, or marked by an
 *   admin), trusted by every owner.
 * - nodes' measured speed (a moving average of reference-seconds per wall-second of its jobs), the
 *   concurrency it proved, a flag when its claims disagree with it, and its give-back count and
 *   throttle.
 */
export class Trust1766200000000 implements MigrationInterface {
  name = 'Trust1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE jobs ADD COLUMN residency uuid[]`);
    await q.query(`ALTER TABLE training_tunings ADD COLUMN reads jsonb`);
    await q.query(`
      ALTER TABLE nodes
        ADD COLUMN operator_run boolean NOT NULL DEFAULT false,
        ADD COLUMN measured_speed double precision,
        ADD COLUMN speed_samples int NOT NULL DEFAULT 0,
        ADD COLUMN proven_slots int NOT NULL DEFAULT 1,
        ADD COLUMN speed_flag text,
        ADD COLUMN give_backs int NOT NULL DEFAULT 0,
        ADD COLUMN give_back_streak int NOT NULL DEFAULT 0,
        ADD COLUMN throttled_until timestamptz`);
    await q.query(`
      CREATE TABLE trusted_nodes (
        principal_id uuid NOT NULL,
        node_id uuid NOT NULL REFERENCES node_tokens(id) ON DELETE CASCADE,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (principal_id, node_id)
      )`);
    await q.query(`CREATE INDEX trusted_nodes_node ON trusted_nodes (node_id)`);
    await q.query(`
      CREATE TABLE trusted_providers (
        principal_id uuid NOT NULL,
        provider_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (principal_id, provider_id)
      )`);
    await q.query(`CREATE INDEX trusted_providers_provider ON trusted_providers (provider_id)`);
    // Nodes npm start ran before this migration are its system user's (accounts: ensureSystemUser).
    await q.query(`UPDATE nodes SET operator_run = true WHERE owner_id IN (SELECT id FROM users WHERE is_system)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS trusted_providers`);
    await q.query(`DROP TABLE IF EXISTS trusted_nodes`);
    await q.query(`ALTER TABLE nodes DROP COLUMN operator_run, DROP COLUMN measured_speed, DROP COLUMN speed_samples, DROP COLUMN proven_slots,
      DROP COLUMN speed_flag, DROP COLUMN give_backs, DROP COLUMN give_back_streak, DROP COLUMN throttled_until`);
    await q.query(`ALTER TABLE training_tunings DROP COLUMN reads`);
    await q.query(`ALTER TABLE jobs DROP COLUMN residency`);
  }
}
