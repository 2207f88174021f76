/**
 * The fallback embedded database: PGlite (PostgreSQL compiled to WebAssembly) in the hub process,
 * exposed by pglite-socket on a Unix socket so that TypeORM's ordinary `pg` driver talks to it.
 * Used only where no PostgreSQL binaries run, or when AIMASS_EMBEDDED_DB=pglite (see
 * embedded-database.ts).
 *
 * pglite-socket checks no password: the socket (`<data dir>/pglite-socket/.s.PGSQL.5432`, 0600, in
 * a 0700 directory) is reachable by the hub's user and root only, and nothing listens on TCP.
 *
 * PGlite runs on the hub's event loop, one statement at a time, and cannot interrupt a running
 * statement; pglite-socket multiplexes connections onto it. Never wait inside a transaction for
 * work on another connection: it would deadlock here.
 */
import { chmod, mkdir, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { privateSocketDirectory } from './private-socket-dir.js';

const SOCKET_NAME = '.s.PGSQL.5432';

export interface PGliteServer {
  url: string;
  socketDir: string;
  close(): Promise<void>;
}

export async function startPGliteServer(dataDir: string, maxConnections: number): Promise<PGliteServer> {
  const dir = path.join(dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const socket = await privateSocketDirectory(path.join(dataDir, 'pglite-socket'), SOCKET_NAME);
  const socketPath = path.join(socket.dir, SOCKET_NAME);
  // A hub killed earlier leaves its socket file behind; nobody listens on it any more.
  await unlink(socketPath).catch(() => undefined);
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections });
  await server.start();
  await chmod(socketPath, 0o600);
  return {
    // The socket directory is the host, percent-encoded (the `pg` driver's and libpq's convention).
    url: `postgres://postgres@${encodeURIComponent(socket.dir)}/postgres`,
    socketDir: socket.dir,
    async close() {
      await server.stop();
      await db.close();
      if (socket.temporary) await rm(socket.dir, { recursive: true, force: true });
      else await unlink(socketPath).catch(() => undefined);
    },
  };
}
