/**
 * Shared by the benchmarks (compute.bench.ts, ingest.bench.ts): settings from the environment,
 * cleanup on exit/failure/signal, formatting, PostgreSQL (DATABASE_URL or a throwaway server) and
 * starting the built hub as a child process.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { databaseUrl, withClient } from '../support/global-setup.js';
import { cpuSeconds, isConnectionBackend, runSeconds, withChildren } from './proc-stats.js';

/**
 * The repository root. Not spawn-hub.ts's ROOT: that is computed relative to the source file
 * (vitest runs test/support/*.ts as is), so from dist/test/support it points at dist/.
 */
export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const HUB_ENTRY = path.join(ROOT, 'dist/hub/src/main.js');
/** Node flags of the hub's start commands (the Dockerfile's CMD, `npm start`, docs/operations.md): a 64 MB young generation. */
export const HUB_NODE_FLAGS = ['--max-semi-space-size=64'];

// ---- settings -------------------------------------------------------------------------------

export function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return n;
}

export function listEnv(name: string, fallback: number[], emptyAllowed = false): number[] {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  if (raw.trim() === '') return emptyAllowed ? [] : fallback;
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${name} must be a comma-separated list of whole numbers, got "${raw}"`);
  return list;
}

// ---- cleanup: run in reverse order, on success, failure or a signal ---------------------------

const cleanups: { name: string; run: () => Promise<unknown> | unknown }[] = [];
let cleaning: Promise<void> | undefined;

export function onCleanup(name: string, run: () => Promise<unknown> | unknown): () => void {
  const entry = { name, run };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const { name, run } = cleanups.pop()!;
      try {
        await run();
      } catch (error) {
        console.error(`cleanup "${name}" failed: ${(error as Error).message}`);
      }
    }
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up…`);
    void cleanup().then(() => process.exit(130));
  });
}

// ---- small helpers --------------------------------------------------------------------------

/** Runs a benchmark's main, always cleans up what it started, and exits non-zero on failure. */
export async function runBenchmark(main: () => Promise<void>): Promise<never> {
  let failed = false;
  try {
    await main();
  } catch (error) {
    failed = true;
    console.error('\nbenchmark failed:', error);
  } finally {
    await cleanup();
  }
  process.exit(failed ? 1 : 0);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function summarize(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    max: sorted[sorted.length - 1],
  };
}

export const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${fmt(a / b)}×` : 'n/a');

export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  return [line(cells[0]), '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|', ...cells.slice(1).map(line)].join('\n');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// ---- PostgreSQL -------------------------------------------------------------------------------

export interface Database {
  adminUrl: string;
  url: string;
  name: string;
  /** The postmaster's pid when this run started the server (for its CPU), else undefined. */
  postmasterPid?: number;
}

export async function setUpDatabase(): Promise<Database> {
  let adminUrl = process.env.DATABASE_URL;
  let postmasterPid: number | undefined;
  if (!adminUrl) {
    const out = execFileSync(path.join(ROOT, 'test/support/postgres.sh'), ['start'], { encoding: 'utf8' });
    adminUrl = /^DATABASE_URL=(.*)$/m.exec(out)![1];
    const pgdata = /^PGDATA=(.*)$/m.exec(out)![1];
    onCleanup('stop PostgreSQL', () => execFileSync(path.join(ROOT, 'test/support/postgres.sh'), ['stop', pgdata]));
    const pidFile = path.join(pgdata, 'data/postmaster.pid');
    if (existsSync(pidFile)) postmasterPid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  }
  const name = `aimass_bench_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  onCleanup('drop the bench database', () => withClient(adminUrl!, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
  return { adminUrl, url: databaseUrl(adminUrl, name), name, postmasterPid };
}

/** CPU seconds per process of the PostgreSQL server this run started (postmaster and backends), if it did. */
export function postgresCpu(database: Database): Map<number, number> | undefined {
  if (!database.postmasterPid) return undefined;
  return new Map(withChildren(database.postmasterPid).map((p) => [p, cpuSeconds(p) ?? 0]));
}

/**
 * CPU seconds of PostgreSQL's connection backends alone, to the nanosecond (schedstat): not its
 * background processes (autovacuum, checkpointer, WAL writer), whose work comes in bursts of its
 * own — an autovacuum of the jobs a section just made can fall in a quiet window and outweigh a few
 * jobs' statements. `except`: backends not to count (the bench's own connection). For small
 * windows; `postgresCpu` for everything PostgreSQL did.
 */
export function postgresBackendCpu(database: Database, except: readonly number[] = []): Map<number, number> | undefined {
  if (!database.postmasterPid) return undefined;
  return new Map(
    withChildren(database.postmasterPid)
      .filter((p) => p !== database.postmasterPid && !except.includes(p) && isConnectionBackend(p))
      .map((p) => [p, runSeconds(p) ?? 0]),
  );
}

/**
 * CPU seconds used between two snapshots by the processes alive at the second (a process born in
 * between counts from zero; one that ended in between, e.g. an autovacuum worker, is missed).
 */
export function cpuDelta(before: Map<number, number> | undefined, after: Map<number, number> | undefined): number | undefined {
  if (!before || !after) return undefined;
  let sum = 0;
  for (const [pid, seconds] of after) sum += seconds - (before.get(pid) ?? 0);
  return sum;
}

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  onCleanup('close a database connection', () => client.end());
  return client;
}

// ---- the hub ----------------------------------------------------------------------------------

export interface Hub {
  url: string;
  wsUrl: string;
  pid: number;
  output: string[];
  stop(): Promise<void>;
}

/**
 * Starts the built hub as a child process. Not test/support's spawnHub: that waits for the
 * info-level "hub listening" line, which LOG_LEVEL=warn (asked for here, to keep logging out of
 * the figures) never prints; so this picks the port and polls /readyz instead.
 */
export async function startHub(db: Database, env: Record<string, string> = {}): Promise<Hub> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'aimass-bench-hub-'));
  // BENCH_HUB_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": node options for the hub (a profile is written when it stops).
  // The hub runs with the flags its start commands give it (Dockerfile, `npm start`).
  const nodeArgs = [...HUB_NODE_FLAGS, ...(process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, HUB_ENTRY], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      AIMASS_DATA_DIR: dataDir,
      AIMASS_WEB_DIR: path.join(ROOT, 'dist/web'),
      AIMASS_BENCHMARK_ON_JOIN: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      output.push(...chunk.split('\n').filter(Boolean));
      if (output.length > 500) output.splice(0, output.length - 500);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const forget = onCleanup('stop the hub', stop);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hub exited with ${child.exitCode} before it was ready:\n${output.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`hub not ready within 90 s:\n${output.join('\n')}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/agents`,
    pid: child.pid!,
    output,
    async stop() {
      forget();
      await stop();
    },
  };
}

export async function graphql<T = any>(hub: Hub, query: string, variables: object, token?: string): Promise<T> {
  const res = await fetch(`${hub.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

export async function signUp(hub: Hub): Promise<{ id: string; token: string; username: string }> {
  const username = `bench${randomBytes(4).toString('hex')}`;
  const data = await graphql(hub, `mutation($input: SignUpInput!) { signUp(input: $input) { token user { id } } }`, {
    input: { username, email: `${username}@example.com`, password: 'correct horse battery' },
  });
  return { id: data.signUp.user.id, token: data.signUp.token, username };
}
