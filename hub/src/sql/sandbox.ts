/**
 * The SQL sandbox: a connection pool of its own that logs in as the sandbox role
 * (sandbox-role.ts), never as the hub's user, and the per-query read grants.
 *
 * A query may read exactly the dataset tables it was checked to read, while it runs: just before
 * it, the hub writes one row per table into `aimass_private.sandbox_grants` on its own connection,
 * keyed by the sandbox backend's pid and backend_start, and deletes them right after. The dataset
 * tables' row-level security policy (`aimass_sandbox.may_read`) shows rows only when such a row
 * exists for the session asking. So a sandbox session reads nothing by default, another user's
 * table stays empty to it even while its owner queries it on another connection, nothing needs
 * revoking, and several hubs share the scheme through the database.
 *
 * When the sandbox cannot be set up the hub runs on without SQL: start-up logs why, /readyz shows
 * it, and every SQL call answers SQL_UNAVAILABLE with the reason — never a fallback to the hub's
 * own user. Embedded PGlite is always refused: it cannot interrupt a running statement (one
 * query could hold the hub's only connection for minutes) and has no separate logins.
 */
import type { DatabaseKind } from '../db/database.js';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { SandboxUnavailable, setUpSandboxRole, type SandboxLogin } from './sandbox-role.js';

/**
 * Sandbox connections kept open while idle (pg's pool closes the others after 10 s), readied at
 * start: a hub's first SQL query, or the first after a quiet hour, finds a connection that knows
 * its session key instead of opening one.
 */
const WARM_CONNECTIONS = 2;

export type SandboxStatus = { available: true; role: string } | { available: false; reason: string };

export const PGLITE_REASON =
  'the hub runs on embedded PGlite, which cannot stop a running query and has no separate database logins, so it cannot sandbox SQL: ' +
  'run the hub on PostgreSQL (DATABASE_URL) to use SQL';

/** A sandbox session, as the grants table names it. */
interface SessionKey {
  pid: number;
  /** pg_stat_activity.backend_start as text: exact to the microsecond. */
  backendStart: string;
}

export class Sandbox {
  private pool: pg.Pool | null = null;
  private current: SandboxStatus = { available: false, reason: 'the SQL sandbox is being set up' };
  private readonly keys = new WeakMap<pg.ClientBase, SessionKey>();

  constructor(
    private readonly db: DataSource,
    private readonly database: { url: string; kind: DatabaseKind },
    private readonly options: { operatorUrl: string | undefined; connections: number },
    private readonly log: Logger,
  ) {}

  /** Sets the sandbox up; never throws (a failure leaves SQL off, with the reason). */
  async start(): Promise<void> {
    try {
      if (this.database.kind === 'pglite') throw new SandboxUnavailable(PGLITE_REASON);
      const login = await this.setUpRole();
      const warm = Math.min(WARM_CONNECTIONS, this.options.connections);
      const pool = new pg.Pool({ connectionString: login.url, max: this.options.connections, min: warm, application_name: 'aimass_sql_sandbox', connectionTimeoutMillis: 10_000 });
      // An idle sandbox connection the server dropped must not take the hub down.
      pool.on('error', (error) => this.log.warn({ err: error }, 'idle SQL sandbox connection failed'));
      const clients: pg.PoolClient[] = [];
      try {
        for (let i = 0; i < warm; i++) clients.push(await pool.connect());
        await Promise.all(clients.map((client) => this.warmUp(client, login.role)));
      } catch (error) {
        // Its connections are kept open while idle: close them, SQL stays off.
        for (const client of clients.splice(0)) client.release(true);
        await pool.end().catch(() => undefined);
        throw error;
      } finally {
        for (const client of clients) client.release();
      }
      // Rows a crashed hub left behind match no live session; clear old ones.
      await this.db.query(`DELETE FROM aimass_private.sandbox_grants WHERE created_at < now() - interval '1 day'`);
      this.pool = pool;
      this.current = { available: true, role: login.role };
      this.log.info({ role: login.role }, 'SQL sandbox ready');
    } catch (error) {
      const reason = error instanceof SandboxUnavailable ? error.reason : `the SQL sandbox could not be set up: ${(error as Error).message}`;
      this.current = { available: false, reason };
      this.log.error({ err: error instanceof SandboxUnavailable ? undefined : error }, `SQL is off on this hub: ${reason}`);
    }
  }

  /** Hubs starting together grant and alter the same catalog rows ("tuple concurrently updated"): try again. */
  private async setUpRole(): Promise<SandboxLogin> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await setUpSandboxRole(this.db, this.database.url, this.options.operatorUrl, this.log);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt >= 5 || !(code === 'XX000' || code === '40001' || code === '40P01' || code === '23505' || code === '42710')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  status(): SandboxStatus {
    return this.current;
  }

  /** Throws SQL_UNAVAILABLE when SQL is off. */
  assertAvailable(): void {
    if (!this.current.available) throw new AppError('SQL_UNAVAILABLE', `SQL is not available on this hub: ${this.current.reason}`);
  }

  /**
   * Runs `work` on a sandbox connection that may read `tables` (`datasets.v_<hex>`) for as long
   * as it runs, and nothing else.
   */
  async run<T>(tables: readonly string[], work: (client: pg.ClientBase) => Promise<T>): Promise<T> {
    this.assertAvailable();
    const client = await this.pool!.connect();
    const queryId = randomUUID();
    const granted = [...new Set(tables)];
    let broken: Error | undefined;
    try {
      const key = await this.keyOf(client);
      if (granted.length > 0) {
        await this.db.query(
          `INSERT INTO aimass_private.sandbox_grants (query_id, pid, backend_start, table_name)
           SELECT $1, $2, $3::timestamptz, t FROM unnest($4::text[]) AS t`,
          [queryId, key.pid, key.backendStart, granted],
        );
      }
      return await work(client);
    } catch (error) {
      // An error without a SQLSTATE is the connection's, not the query's: do not reuse it.
      if (typeof (error as { code?: unknown }).code !== 'string' && !(error instanceof AppError)) broken = error as Error;
      throw error;
    } finally {
      if (granted.length > 0) {
        await this.db.query(`DELETE FROM aimass_private.sandbox_grants WHERE query_id = $1`, [queryId]).catch((error: unknown) => {
          this.log.error({ err: error }, 'could not delete the read grants of a SQL query (they match no later session)');
        });
      }
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }

  /**
   * Checks a new connection's login and readies it for its first query: its session key looked up
   * (once per connection, 4–10 ms), the read policy's function and the grants table in its caches
   * (the first policy check on a connection takes 2–3 ms more than later ones).
   */
  private async warmUp(client: pg.ClientBase, role: string): Promise<void> {
    const [who] = (await client.query(`SELECT current_user AS current, session_user AS session`)).rows;
    if (who.current !== role || who.session !== role) throw new SandboxUnavailable(`the sandbox login is ${who.session}, not ${role}`);
    await this.keyOf(client);
    await client.query(`SELECT aimass_sandbox.may_read('')`);
  }

  private async keyOf(client: pg.ClientBase): Promise<SessionKey> {
    let key = this.keys.get(client);
    if (!key) {
      const { rows } = await client.query(
        `SELECT pid, backend_start::text AS backend_start FROM pg_catalog.pg_stat_activity WHERE pid = pg_catalog.pg_backend_pid()`,
      );
      key = { pid: rows[0].pid, backendStart: rows[0].backend_start };
      this.keys.set(client, key);
    }
    return key;
  }
}
