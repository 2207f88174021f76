/**
 * Embedded PostgreSQL for `npm start` without a server: PGlite in the data directory, exposed on
 * a loopback port by pglite-socket so that TypeORM's ordinary `pg` driver talks to it. One code
 * path (and one set of SQL) then serves PGlite and real PostgreSQL alike.
 *
 * PGlite runs one statement at a time; pglite-socket multiplexes connections onto it. Never wait
 * inside a transaction for work on another connection: it would deadlock here.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  close(): Promise<void>;
}

export async function startEmbeddedPostgres(dataDir: string, maxConnections: number): Promise<EmbeddedPostgres> {
  const dir = path.join(dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  // getServerConn() answers "host:port".
  const conn = server.getServerConn();
  return {
    url: `postgres://postgres@${conn}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
