/**
 * `startTestHub()`: a real hub process on a random port with a database of its own, copied from
 * the migrated templates the global setup made. Tests talk to it over real HTTP and WebSockets.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { databaseUrl, withClient } from './global-setup.js';
import { spawnHub, type SpawnedHub } from './spawn-hub.js';

export type Backend = 'postgres' | 'pglite';

/** Both database backends; database tests run once on each. */
export const BACKENDS: Backend[] = ['postgres', 'pglite'];

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; fields?: { field: string; message: string }[] } & Record<string, unknown> }[];
}

export interface TestHub {
  url: string;
  backend: Backend;
  /** The hub's stdout so far, one JSON log line each. */
  logs: string[];
  process: SpawnedHub['child'];
  graphql<T = any>(query: string, variables?: object, token?: string): Promise<GraphQLResponse<T>>;
  /** Runs SQL on the hub's own database (PostgreSQL, or the embedded PGlite through its socket). */
  sql<T = any>(query: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function startTestHub(options: { backend?: Backend; env?: Record<string, string> } = {}): Promise<TestHub> {
  const backend = options.backend ?? 'postgres';
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'aimass-hub-'));
  const env: Record<string, string> = { AIMASS_DATA_DIR: dataDir, ...options.env };
  let dropDatabase: (() => Promise<void>) | undefined;
  if (backend === 'postgres') {
    const admin = inject('postgresAdminUrl');
    const name = `t_${randomBytes(6).toString('hex')}`;
    await withClient(admin, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`));
    env.DATABASE_URL = databaseUrl(admin, name);
    dropDatabase = () => withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined);
  } else {
    await cp(inject('pgliteTemplate'), dataDir, { recursive: true });
  }
  let hub: SpawnedHub;
  try {
    hub = await spawnHub(env);
  } catch (error) {
    await dropDatabase?.();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: hub.url,
    backend,
    logs: hub.logs,
    process: hub.child,
    async graphql(query, variables, token) {
      const res = await fetch(`${hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return res.json() as Promise<GraphQLResponse<any>>;
    },
    async sql(query, params) {
      const url =
        env.DATABASE_URL ??
        JSON.parse(hub.logs.find((line) => line.includes('embedded PostgreSQL'))!).url;
      return withClient(url, async (c) => (await c.query(query, params as unknown[])).rows);
    },
    async close() {
      await hub.stop();
      await dropDatabase?.();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
