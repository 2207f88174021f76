import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live events too large for a NOTIFY payload (events/hub-channel.ts): the sending hub writes the
 * message here and notifies its id; every other hub reads it back. Rows live a few minutes. In the
 * hub's private schema: no other role (the SQL sandbox's included) may read them.
 */
export class HubEvents1766700000000 implements MigrationInterface {
  name = 'HubEvents1766700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE aimass_private.hub_events (
        id bigserial PRIMARY KEY,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX hub_events_created_at ON aimass_private.hub_events (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS aimass_private.hub_events`);
  }
}
