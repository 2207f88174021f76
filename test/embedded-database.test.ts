/**
 * The embedded database `npm start` runs without DATABASE_URL: a real PostgreSQL server the hub
 * starts in its data directory, reachable only through a private Unix socket with a password, that
 * survives restarts and crashes of the hub and stops a runaway query at the SQL timeout while the
 * hub keeps answering. And the PGlite fallback (AIMASS_EMBEDDED_DB=pglite), which still serves.
 */
import { execFile, spawn } from 'node:child_process';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent } from './support/agent.js';
import { registerNode, submitJob, waitForJob } from './support/compute.js';
import { embeddedServerPid, isAlive } from './support/embedded-server.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { PASSWORD, signUp } from './support/users.js';

const SQL_TIMEOUT_MS = 1000;
const SOCKET = '.s.PGSQL.5432';

function loggedDatabase(hub: TestHub): { database: string; url: string; socketDir: string; reason?: string } {
  return JSON.parse(hub.logs.findLast((l) => l.includes('"embedded database"'))!);
}

/** The process and its descendants, from /proc. */
async function processTree(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (stat) parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/** TCP ports (IPv4 and IPv6) the processes listen on: their socket inodes matched against /proc/net/tcp*. */
async function listeningTcpPorts(pids: number[]): Promise<number[]> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m) inodes.add(m[1]);
    }
  }
  expect(inodes.size).toBeGreaterThan(0); // the processes were readable: an empty answer means something
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (await readFile(table, 'utf8')).trim().split('\n').slice(1)) {
      const f = line.trim().split(/\s+/); // sl local_address rem_address st … inode (field 9)
      if (f[3] === '0A' && inodes.has(f[9])) ports.push(parseInt(f[1].split(':')[1], 16));
    }
  }
  return ports;
}

/** Sends a StartupMessage without any password and answers the server's first reply ('R' + auth code). */
async function firstReplyTo(socketPath: string): Promise<{ type: string; auth: number; body: string }> {
  const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
  const startup = Buffer.alloc(8 + params.length);
  startup.writeInt32BE(startup.length, 0);
  startup.writeInt32BE(196608, 4); // protocol 3.0
  params.copy(startup, 8);
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const socket = net.connect(socketPath, () => socket.write(startup));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 5 && received.length >= 1 + received.readInt32BE(1)) {
        socket.destroy();
        resolve({ type: String.fromCharCode(received[0]), auth: received.readInt32BE(5), body: received.subarray(9).toString('latin1') });
      }
    });
    socket.on('error', reject);
  });
}

/** Tries to open the socket as the `nobody` user (the hub's tests run as root in CI). */
function connectAsNobody(socketPath: string): Promise<string> {
  const script = `require('net').connect(process.argv[1]).on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); })`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, socketPath], { uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', () => resolve(out.trim()));
  });
}

const mode = async (p: string) => (await lstat(p)).mode & 0o777;
const run = promisify(execFile);

describe('Embedded PostgreSQL server', () => {
  let hub: TestHub;
  let startMs: number;

  beforeAll(async () => {
    const started = Date.now();
    hub = await startTestHub({ backend: 'embedded', fresh: true, env: { AIMASS_SQL_TIMEOUT_MS: String(SQL_TIMEOUT_MS) } });
    startMs = Date.now() - started;
  }, 120_000);
  afterAll(() => hub?.close());

  it('starts on a fresh data directory: a new cluster, a real server, the hub ready on it', async () => {
    expect(hub.logs.some((l) => l.includes('"embedded PostgreSQL cluster created"'))).toBe(true);
    expect(loggedDatabase(hub)).toMatchObject({ database: 'embedded', socketDir: path.join(hub.dataDir, 'postgres-socket') });
    const ready = await fetch(`${hub.url}/readyz`);
    // SQL runs here: the sandbox has its own login on the embedded server.
    expect(await ready.json()).toEqual({ status: 'ready', database: 'embedded', sql: { available: true } });
    const [{ version }] = await hub.sql(`SELECT version()`);
    expect(version).toMatch(/^PostgreSQL 18\./);
    expect(startMs).toBeLessThan(60_000);
  });

  it('listens on no TCP port: only its Unix socket, 0600 in a 0700 directory, with a 0600 password file', async () => {
    const [{ listen_addresses }] = await hub.sql(`SELECT current_setting('listen_addresses') AS listen_addresses`);
    expect(listen_addresses).toBe('');
    const server = (await embeddedServerPid(hub.dataDir))!;
    const processes = await processTree(server);
    expect(processes.length).toBeGreaterThan(3); // postmaster, checkpointer, walwriter, backends…
    expect(await listeningTcpPorts(processes)).toEqual([]);

    const { socketDir } = loggedDatabase(hub);
    expect(await mode(socketDir)).toBe(0o700);
    expect((await lstat(path.join(socketDir, SOCKET))).isSocket()).toBe(true);
    expect(await mode(path.join(socketDir, SOCKET))).toBe(0o600);
    expect(await mode(path.join(hub.dataDir, 'postgres.password'))).toBe(0o600);
    expect(hub.logs.join('\n')).not.toContain((await readFile(path.join(hub.dataDir, 'postgres.password'), 'utf8')).trim());
    const rules = await hub.sql(`SELECT type, auth_method FROM pg_hba_file_rules`);
    expect(rules).toEqual([{ type: 'local', auth_method: 'scram-sha-256' }]);
  });

  it('asks every connection for its password, refuses a wrong one, and lets no other local user in', async () => {
    const { socketDir, url } = loggedDatabase(hub);
    // No password offered: the server's answer is a SCRAM challenge, never AuthenticationOk (0).
    const reply = await firstReplyTo(path.join(socketDir, SOCKET));
    expect(reply).toMatchObject({ type: 'R', auth: 10 });
    expect(reply.body).toContain('SCRAM-SHA-256');
    const wrong = new URL(url);
    wrong.password = 'not-the-password';
    const client = new pg.Client({ connectionString: wrong.toString() });
    await expect(client.connect()).rejects.toThrow(/password authentication failed for user "postgres"/);
    await client.end().catch(() => undefined);
    if (process.getuid?.() === 0) {
      // The server runs as the postgres user, not root; another user cannot even reach the socket.
      const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
      const status = await readFile(`/proc/${await embeddedServerPid(hub.dataDir)}/status`, 'utf8');
      expect(/^Uid:\s+(\d+)/m.exec(status)![1]).toBe(String(uid));
      expect(await connectAsNobody(path.join(socketDir, SOCKET))).toBe('EACCES');
    }
  });

  it(`stops a runaway query at AIMASS_SQL_TIMEOUT_MS while /readyz keeps answering within 1 s`, async () => {
    const alice = await signUp(hub);
    const waits: number[] = [];
    let querying = true;
    const poller = (async () => {
      while (querying) {
        const started = Date.now();
        const res = await fetch(`${hub.url}/readyz`, { signal: AbortSignal.timeout(10_000) });
        waits.push(Date.now() - started);
        expect(res.status).toBe(200);
        await sleep(100);
      }
    })();
    const started = Date.now();
    // The planner estimates 1000 rows for a subquery bound: no cost limit catches it before it runs.
    const res = await hub.graphql(
      `mutation($q: String!) { runSql(query: $q) { rows } }`,
      { q: 'SELECT count(*) FROM generate_series(1, (SELECT 300000000::bigint))' },
      alice.token,
    );
    const took = Date.now() - started;
    querying = false;
    await poller;
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toContain(`ran longer than ${SQL_TIMEOUT_MS} ms`);
    expect(took).toBeLessThan(SQL_TIMEOUT_MS + 1000);
    expect(waits.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...waits)).toBeLessThan(1000);
  });

  it('keeps its data across a clean restart and across a SIGKILL of the hub, whose orphaned server is stopped first', async () => {
    const bob = await signUp(hub);
    const login = () =>
      hub.graphql(`mutation($u: String!, $p: String!) { logIn(input: { login: $u, password: $p }) { user { username } } }`, { u: bob.username, p: PASSWORD });
    const serverLog = () => readFile(path.join(hub.dataDir, 'postgres.log'), 'utf8');

    // A clean stop: the hub stops its server (fast shutdown) and waits for it.
    const first = (await embeddedServerPid(hub.dataDir))!;
    const fastShutdowns = (await serverLog()).split('received fast shutdown request').length;
    const exited = new Promise((resolve) => hub.process.once('exit', resolve));
    hub.process.kill('SIGTERM');
    await exited;
    expect(isAlive(first)).toBe(false);
    expect((await serverLog()).split('received fast shutdown request').length).toBe(fastShutdowns + 1);
    await hub.restart();
    expect((await login()).data?.logIn.user.username).toBe(bob.username);

    // A crash: the server outlives the hub; the next start stops it and serves the same data.
    const orphan = (await embeddedServerPid(hub.dataDir))!;
    await hub.kill();
    expect(isAlive(orphan)).toBe(true);
    await hub.restart();
    expect(hub.logs.some((l) => l.includes('earlier hub left running') && JSON.parse(l).pid === orphan)).toBe(true);
    expect(isAlive(orphan)).toBe(false);
    const replacement = await embeddedServerPid(hub.dataDir);
    expect(replacement).toBeDefined();
    expect(replacement).not.toBe(orphan);
    expect((await login()).data?.logIn.user.username).toBe(bob.username);
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(200);
  }, 120_000);
});

describe('PGlite fallback (AIMASS_EMBEDDED_DB=pglite)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ backend: 'pglite' });
  }, 120_000);
  afterAll(() => hub?.close());

  it('starts, says why, answers GraphQL, and serves its database on a 0600 Unix socket only', async () => {
    expect(loggedDatabase(hub)).toMatchObject({ database: 'pglite', reason: 'AIMASS_EMBEDDED_DB=pglite' });
    // Ready, but without SQL: PGlite cannot stop a running query, so the hub refuses to run SQL there.
    expect(await (await fetch(`${hub.url}/readyz`)).json()).toMatchObject({ status: 'ready', database: 'pglite', sql: { available: false, reason: expect.stringContaining('cannot stop a running query') } });
    const alice = await signUp(hub);
    const me = await hub.graphql(`{ me { username } }`, {}, alice.token);
    expect(me.data.me.username).toBe(alice.username);
    expect(await hub.sql(`SELECT username FROM users WHERE id = $1`, [alice.id])).toEqual([{ username: alice.username }]);

    const { socketDir } = loggedDatabase(hub);
    expect(socketDir).toBe(path.join(hub.dataDir, 'pglite-socket'));
    expect(await mode(socketDir)).toBe(0o700);
    expect(await mode(path.join(socketDir, SOCKET))).toBe(0o600);
    // The hub process listens on its HTTP port and nothing else.
    expect(await listeningTcpPorts([hub.process.pid!])).toEqual([Number(new URL(hub.url).port)]);
  });

  it('claims jobs for an agent (its claim is planned each time here: no prepared statements on PGlite)', async () => {
    const alice = await signUp(hub);
    const node = await registerNode(hub, alice.token, 'pglite-worker');
    const agent = spawnAgent(['--hub', hub.url, '--token', node.token]);
    try {
      await agent.waitFor(/connected to hub/);
      const jobs = await Promise.all([1, 2, 3].map((i) => submitJob(hub, alice.token, { kind: 'echo', payload: { value: i } })));
      for (const job of jobs) await waitForJob(hub, alice.token, job.id, (j) => j.status === 'SUCCEEDED');
    } finally {
      await agent.stop();
    }
  });
});
