/**
 * The database: TypeORM over `pg`, pointed at DATABASE_URL or at the embedded database the hub
 * starts itself (embedded-database.ts: a real PostgreSQL server on a private Unix socket, or the
 * PGlite fallback). Migrations from migrations/ run here, at start; `synchronize` is never on.
 * The entities come from the caller (hub/src/entities.ts lists every domain's), so db/ names no domain.
 */
import 'reflect-metadata';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations/index.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedDatabase } from './embedded-database.js';
import { useNamedStatements } from './named-statement.js';
import { statementCountingLogger } from './statement-count.js';

/**
 * - `postgres`: the server DATABASE_URL names;
 * - `embedded`: the PostgreSQL server the hub runs itself; it behaves exactly like `postgres`
 *   (full pool, COPY, LISTEN/NOTIFY across connections, statement_timeout), one hub per data dir;
 * - `pglite`: the in-process fallback, with its limits (one connection, no COPY, NOTIFY stays on
 *   its connection, no way to interrupt a running statement).
 */
export type DatabaseKind = 'postgres' | 'embedded' | 'pglite';

export interface Database {
  dataSource: DataSource;
  kind: DatabaseKind;
  /** The connection URL the hub logs in with (the SQL sandbox derives its own login from it). */
  url: string;
  /** True when the database answers and no migration is pending. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openDatabase(config: Config, log: Logger, entities: DataSourceOptions['entities']): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config, log);
  const url = config.databaseUrl ?? embedded!.url;
  const kind: DatabaseKind = embedded?.kind ?? 'postgres';
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
    poolSize: kind === 'pglite' ? 1 : config.poolSize,
    extra: { connectionTimeoutMillis: 10_000 },
  });
  try {
    await dataSource.initialize();
    if (kind !== 'pglite') useNamedStatements(dataSource);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const m of applied) log.info({ migration: m.name }, 'migration applied');
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.close();
    throw error;
  }
  return {
    dataSource,
    kind,
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
