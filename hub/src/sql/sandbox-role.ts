/**
 * The database role sandboxed queries run as (`SET LOCAL ROLE aimass_sql`): NOLOGIN, no
 * attributes, no membership, and no privilege but USAGE on the `datasets` schema and SELECT on the
 * dataset tables queries have read, granted table by table the first time a query reads one
 * (access to the dataset is checked by the hub before; the grant only lets the role read that
 * table). So even a query that slipped past the checks could not read the hub's own tables
 * (users, sessions, API keys …) nor use superuser-only functions (pg_read_file, server-side
 * lo_import, COPY … TO a file): the role has no such rights.
 *
 * Creating the role needs CREATEROLE (the hub's user on embedded PGlite and in the test suite is a
 * superuser). When the hub may not create or use it, the SQL surface still works — read-only
 * transaction, timeout, allowlist — and a warning says how to create the role by hand.
 * Roles belong to the whole server, so several hub databases on one server share it; privileges
 * are per database.
 */
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.js';

export const SANDBOX_ROLE = 'aimass_sql';

const TABLE = /^datasets\.v_[0-9a-f]{32}$/;

export class SandboxRole {
  private ready: Promise<boolean> | null = null;
  private readonly granted = new Set<string>();

  constructor(
    private readonly db: DataSource,
    private readonly log: Logger,
  ) {}

  /** True when queries can run as the role (set up once per process). */
  available(): Promise<boolean> {
    this.ready ??= this.setUp().catch((error: unknown) => {
      this.log.warn(
        { err: error },
        `SQL sandbox runs without its restricted role: the hub could not create or use role ${SANDBOX_ROLE}. ` +
          `To add it, run as a superuser: CREATE ROLE ${SANDBOX_ROLE} NOLOGIN; GRANT ${SANDBOX_ROLE} TO <hub user>; ` +
          `GRANT USAGE ON SCHEMA datasets TO ${SANDBOX_ROLE};`,
      );
      return false;
    });
    return this.ready;
  }

  private async setUp(): Promise<boolean> {
    // Two hubs starting together may both try: the loser sees duplicate_object or unique_violation.
    await this.db.query(`DO $$ BEGIN
      CREATE ROLE ${SANDBOX_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`);
    const [{ member }] = await this.db.query(`SELECT pg_has_role(current_user, '${SANDBOX_ROLE}', 'MEMBER') AS member`);
    if (!member) await this.db.query(`GRANT ${SANDBOX_ROLE} TO CURRENT_USER`);
    await this.db.query(`GRANT USAGE ON SCHEMA datasets TO ${SANDBOX_ROLE}`);
    // Prove SET ROLE works before relying on it.
    await this.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL ROLE ${SANDBOX_ROLE}`);
    });
    return true;
  }

  /** Lets the role read these dataset tables (each granted once; no-op for those it can already read). */
  async grant(tables: readonly string[]): Promise<void> {
    for (const table of tables) {
      if (this.granted.has(table)) continue;
      if (!TABLE.test(table)) throw new Error(`not a dataset table: ${table}`);
      const [{ can }] = await this.db.query(`SELECT has_table_privilege('${SANDBOX_ROLE}', $1, 'SELECT') AS can`, [table]);
      if (!can) {
        try {
          await this.db.query(`GRANT SELECT ON ${table} TO ${SANDBOX_ROLE}`);
        } catch (error) {
          // Another hub granting the same table at the same moment ("tuple concurrently updated"): once more.
          if ((error as { code?: string }).code !== 'XX000') throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
          await this.db.query(`GRANT SELECT ON ${table} TO ${SANDBOX_ROLE}`);
        }
      }
      this.granted.add(table);
    }
  }
}
