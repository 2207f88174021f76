/**
 * What the claim tests share: a hub on PostgreSQL (for its schema, users and nodes; no agent
 * connects, the tests claim for the nodes themselves), a plain connection to its database, and the
 * claim connection the scheduler uses (db/prepared.ts) under `name`.
 */
import pg from 'pg';
import { preparedConnection, type PreparedConnection } from '../../hub/src/db/prepared.js';
import type { Queryable } from '../../hub/src/db/rows.js';
import { startTestHub, type TestHub } from './hub.js';

export interface ClaimDatabase {
  hub: TestHub;
  db: pg.Client;
  /** `db` as the hub's Queryable. */
  q: Queryable;
  prepared: PreparedConnection;
  close(): Promise<void>;
}

export async function startClaimDatabase(name: string): Promise<ClaimDatabase> {
  const hub = await startTestHub({ backend: 'postgres' });
  const db = new pg.Client({ connectionString: await hub.databaseUrl() });
  await db.connect();
  const prepared = preparedConnection(await hub.databaseUrl(), name);
  return {
    hub,
    db,
    q: { query: async (sql, params) => (await db.query(sql, params)).rows },
    prepared,
    async close() {
      await prepared.close();
      await db.end();
      await hub.close();
    },
  };
}
