/**
 * The database: TypeORM over `pg`, pointed at DATABASE_URL or at embedded PGlite.
 * Migrations from migrations/ run here, at start; `synchronize` is never on.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { migrations } from '../../../migrations/index.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { entities } from '../entities.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { statementCountingLogger } from './statement-count.js';

export interface Database {
  dataSource: DataSource;
  kind: 'postgres' | 'pglite';
  /** The connection URL the hub logs in with (the SQL sandbox derives its own login from it). */
  url: string;
  /** True when the database answers and no migration is pending. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, config.poolSize + 4);
  const url = config.databaseUrl ?? embedded!.url;
  // Loopback only and without a password: embedded mode is for one machine. Handy for psql while developing.
  if (embedded) log.info({ url: embedded.url }, 'embedded PostgreSQL (PGlite) listening');
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    // Logs nothing; counts statements per GraphQL operation (statement-count.ts).
    logger: statementCountingLogger,
    // PGlite runs one statement at a time, and pglite-socket interleaves the extended-protocol
    // messages of concurrent connections ("unnamed prepared statement does not exist" under
    // load). One connection costs no throughput here and keeps every statement whole. The rule
    // that follows: never await a query outside a transaction while holding one (it would wait
    // for the very connection the transaction holds).
    poolSize: embedded ? 1 : config.poolSize,
    extra: { connectionTimeoutMillis: 10_000 },
  });
  try {
    await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const m of applied) log.info({ migration: m.name }, 'migration applied');
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.close();
    throw error;
  }
  return {
    dataSource,
    kind: embedded ? 'pglite' : 'postgres',
    url,
    async ready() {
      try {
        await dataSource.query('SELECT 1');
        return !(await dataSource.showMigrations());
      } catch {
        return false;
      }
    },
    async close() {
      await dataSource.destroy();
      await embedded?.close();
    },
  };
}
