/**
 * `startTestHub()`: a real hub process on a random port with a database of its own, copied from
 * the migrated templates the global setup made. Tests talk to it over real HTTP and WebSockets.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { stopEmbeddedServer } from './embedded-server.js';
import { databaseUrl, withClient } from './global-setup.js';
import { spawnHub, type SpawnedHub } from './spawn-hub.js';

/**
 * - `postgres`: a database of the suite's PostgreSQL server (DATABASE_URL), as in production;
 * - `embedded`: the PostgreSQL server the hub runs itself in its data directory (`npm start`);
 * - `pglite`: the in-process fallback (AIMASS_EMBEDDED_DB=pglite), for the tests of that fallback.
 */
export type Backend = 'postgres' | 'embedded' | 'pglite';

/** The database backends hubs run on; database tests run once on each. */
export const BACKENDS: Backend[] = ['postgres', 'embedded'];

/** The backends SQL runs on: PGlite refuses it (it cannot stop a running statement; docs/sql-sandbox.md). */
export const SQL_BACKENDS: Backend[] = BACKENDS.filter((backend) => backend !== 'pglite');

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; fields?: { field: string; message: string }[] } & Record<string, unknown> }[];
}

export interface TestHub {
  url: string;
  backend: Backend;
  /** The hub's AIMASS_DATA_DIR (artifact store under artifacts/, the embedded database). */
  dataDir: string;
  /** The hub's stdout so far, one JSON log line each. */
  logs: string[];
  /** Settles once `done(logs)` holds, tested now and at each line the hub logs; fails naming `what` after `timeoutMs`. */
  waitForLogs(what: string, done: (logs: string[]) => boolean, timeoutMs?: number): Promise<void>;
  process: SpawnedHub['child'];
  graphql<T = any>(query: string, variables?: object, token?: string): Promise<GraphQLResponse<T>>;
  /** Runs SQL on the hub's own database (PostgreSQL, or the embedded one through its socket). */
  sql<T = any>(query: string, params?: unknown[]): Promise<T[]>;
  /** The URL (with password) the hub's own database login uses: its PostgreSQL database, or the embedded server's socket. */
  databaseUrl(): Promise<string>;
  /** Kills the hub process at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Starts the hub again on the same database and port (after kill() or on its own). */
  restart(): Promise<void>;
  /** Another hub process on the same PostgreSQL database (postgres backend only). */
  peer(env?: Record<string, string>): Promise<TestHub>;
  close(): Promise<void>;
}

export async function startTestHub(
  options: {
    backend?: Backend;
    env?: Record<string, string>;
    args?: string[];
    /** Embedded backends: start on an empty data directory (the first start, initdb included) instead of the template's copy. */
    fresh?: boolean;
  } = {},
): Promise<TestHub> {
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
  } else if (backend === 'embedded' && !options.fresh) {
    // -a keeps what the server checks: its user owns the cluster (when root), modes 0700/0600.
    await run('cp', ['-a', `${inject('embeddedTemplate')}/.`, dataDir]);
  } else if (backend === 'pglite') {
    env.AIMASS_EMBEDDED_DB = 'pglite';
  }
  let hub: SpawnedHub;
  try {
    hub = await spawnHub(env, options.args);
  } catch (error) {
    await dropDatabase?.();
    await stopEmbeddedServer(dataDir);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return wrap(() => hub, (next) => (hub = next), backend, env, options.args ?? [], async () => {
    await dropDatabase?.();
    // A hub that was killed, or did not stop in time, leaves its server behind.
    await stopEmbeddedServer(dataDir);
    await rm(dataDir, { recursive: true, force: true });
  });
}

const run = promisify(execFile);

/** The URL of the hub's embedded database: the one it logged (without password), with the password from its file. */
async function embeddedDatabaseUrl(logs: string[], dataDir: string): Promise<string> {
  const line = logs.findLast((l) => l.includes('"embedded database"'));
  if (!line) throw new Error('the hub logged no "embedded database" line');
  const { database, url } = JSON.parse(line) as { database: string; url: string };
  if (database === 'pglite') return url;
  const withPassword = new URL(url);
  withPassword.password = (await readFile(path.join(dataDir, 'postgres.password'), 'utf8')).trim();
  return withPassword.toString();
}

function wrap(
  current: () => SpawnedHub,
  replace: (hub: SpawnedHub) => void,
  backend: Backend,
  env: Record<string, string>,
  args: string[],
  cleanup: () => Promise<void>,
): TestHub {
  const logs: string[] = [];
  const onLines = new Set<() => void>();
  const follow = (hub: SpawnedHub) => {
    logs.push(...hub.logs);
    hub.logs.push = (...lines: string[]) => {
      const length = logs.push(...lines);
      for (const listener of onLines) listener();
      return length;
    };
  };
  follow(current());
  const testHub: TestHub = {
    get url() {
      return current().url;
    },
    backend,
    dataDir: env.AIMASS_DATA_DIR,
    logs,
    waitForLogs(what, done, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!done(logs)) return;
          finish();
          resolve();
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`timed out waiting for ${what}; the hub's last lines:\n${logs.slice(-10).join('\n')}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          onLines.delete(check);
        };
        onLines.add(check);
        check();
      });
    },
    get process() {
      return current().child;
    },
    async graphql(query, variables, token) {
      const res = await fetch(`${current().url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return res.json() as Promise<GraphQLResponse<any>>;
    },
    async sql(query, params) {
      return withClient(await testHub.databaseUrl(), async (c) => (await c.query(query, params as unknown[])).rows);
    },
    async databaseUrl() {
      return env.DATABASE_URL ?? (await embeddedDatabaseUrl(logs, env.AIMASS_DATA_DIR));
    },
    async kill() {
      current().child.kill('SIGKILL');
      await current().stop();
    },
    async restart() {
      const port = new URL(current().url).port;
      if (current().child.exitCode === null && current().child.signalCode === null) await current().stop();
      const next = await spawnHub({ ...env, PORT: port }, args);
      replace(next);
      follow(next);
    },
    async peer(extra = {}) {
      if (backend !== 'postgres') throw new Error('peer hubs need PostgreSQL');
      // Hubs that share a database share the data directory too (the artifact store), as in production.
      let peer = await spawnHub({ ...env, ...extra });
      return wrap(() => peer, (next) => (peer = next), backend, { ...env, ...extra }, [], async () => undefined);
    },
    async close() {
      await current().stop();
      await cleanup();
    },
  };
  return testHub;
}

/** Each hub's last warnings and errors (pino levels 40 and up), named: what a failing test prints to say why. */
export function recentWarnings(hubs: Record<string, TestHub>, count = 5): string {
  return Object.entries(hubs)
    .map(([name, hub]) => `${name}: ${hub.logs.filter((line) => /"level":(4|5|6)\d/.test(line)).slice(-count).join('\n') || 'none'}`)
    .join('\n');
}
