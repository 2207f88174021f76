/**
 * The database login sandboxed queries run as (docs/sql-sandbox.md), set up once at start:
 *
 * - By default the hub makes role `aimass_sql` itself (its user needs CREATEROLE): LOGIN,
 *   NOSUPERUSER, NOCREATEDB, NOCREATEROLE, NOREPLICATION, NOBYPASSRLS, member of no role, with a
 *   random password kept in `aimass_private.sandbox_logins`, a schema only the hub's user can use,
 *   so every hub on this database logs in with the same one. Its login URL is the hub's own with
 *   the user and password swapped (host, port, socket directory and options kept).
 * - With AIMASS_SQL_DATABASE_URL the operator made the role (see the docs for the SQL); the hub
 *   only checks it and gives it its privileges.
 *
 * Its privileges, given here: USAGE on schemas `datasets` and `aimass_sandbox`, SELECT on every
 * dataset table (and by default on the ones made later). Row-level security turns that SELECT into
 * a per-query right: a dataset table shows rows only to the sandbox session the hub granted it to
 * for the query running (sandbox-grants.ts, sandbox-read-policy.ts). Anything else is checked and
 * refused: a privilege on any other table, CREATE on any schema, TEMPORARY on the database, the
 * server's file functions, a membership. Settings the role may not change itself (temp_file_limit)
 * are set on it here when the hub may; work_mem and the timeout are also set per transaction.
 *
 * Roles belong to the whole server, privileges to each database: two installations on one server
 * each need their own role (AIMASS_SQL_DATABASE_URL), as the hub-made one keeps one password.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { protectDatasetTable, SANDBOX_READ_POLICY } from '../datasets/index.js';
import type { Logger } from '../logger.js';

export const SANDBOX_ROLE = 'aimass_sql';

/** What sandboxed queries may use of the server, per session (the hub also sets them per transaction). */
export const SANDBOX_WORK_MEM = '32MB';
export const SANDBOX_TEMP_FILE_LIMIT = '1GB';

/** Why the SQL surface is off; shown at start-up, on /readyz and to every caller of runSql. */
export class SandboxUnavailable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SandboxUnavailable';
  }
}

export interface SandboxLogin {
  role: string;
  url: string;
}

/** `url` with its user and password replaced (pg reads `postgres://u:p@/db?host=/socket/dir` too, which WHATWG URL refuses). */
export function withLogin(url: string, user: string, password: string): string {
  const match = /^(postgres(?:ql)?:\/\/)(?:[^@/?#]*@)?(.*)$/s.exec(url);
  if (!match) throw new Error('not a postgres:// URL');
  return `${match[1]}${encodeURIComponent(user)}:${encodeURIComponent(password)}@${match[2]}`;
}

/** The user a postgres:// URL logs in as. */
export function userOf(url: string): string {
  const match = /^postgres(?:ql)?:\/\/([^@/?#:]*)(?::[^@/?#]*)?@/s.exec(url);
  return match ? decodeURIComponent(match[1]) : '';
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Makes (or checks) the sandbox role and its privileges. Throws {@link SandboxUnavailable} with a
 * reason an operator can act on; anything else it throws is unexpected.
 */
export async function setUpSandboxRole(db: DataSource, hubUrl: string, operatorUrl: string | undefined, log: Logger): Promise<SandboxLogin> {
  const [{ hub_user: hubUser }] = await db.query(`SELECT current_user AS hub_user`);
  let login: SandboxLogin;
  if (operatorUrl) {
    const role = userOf(operatorUrl);
    if (!role) throw new SandboxUnavailable('AIMASS_SQL_DATABASE_URL names no user');
    if (role === hubUser) throw new SandboxUnavailable(`AIMASS_SQL_DATABASE_URL logs in as the hub's own user ${role}: give the sandbox a role of its own`);
    const [exists] = await db.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role]);
    if (!exists) throw new SandboxUnavailable(`role ${role} of AIMASS_SQL_DATABASE_URL does not exist`);
    login = { role, url: operatorUrl };
  } else {
    login = await hubMadeLogin(db, hubUrl, log);
  }
  await checkAttributes(db, login.role);
  await grantPrivileges(db, login.role);
  await checkNothingElse(db, login.role);
  await setRoleDefaults(db, login.role, log);
  return login;
}

/** Role aimass_sql with the password stored in this database, made or repaired as needed. */
async function hubMadeLogin(db: DataSource, hubUrl: string, log: Logger): Promise<SandboxLogin> {
  const role = SANDBOX_ROLE;
  /**
   * The password to log in with: the stored one, unless there is none, the role is missing, or
   * `failed` (the stored one did not log in) — then a new one is set and stored. Under a lock, and
   * re-read inside it, so hubs starting together agree on one password.
   */
  const ensurePassword = async (failed?: string): Promise<string> => {
    try {
      return await db.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('aimass_sql_sandbox_login'))`);
        const [exists] = await tx.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role]);
        const [stored] = await tx.query(`SELECT password FROM aimass_private.sandbox_logins WHERE role_name = $1`, [role]);
        if (exists && stored && stored.password !== failed) return stored.password as string;
        const password = randomBytes(24).toString('base64url');
        if (!exists) {
          await tx.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS PASSWORD '${password}'`);
        } else {
          // Attributes other than LOGIN are checked, not set: changing SUPERUSER, REPLICATION or BYPASSRLS at all needs a superuser.
          await tx.query(`ALTER ROLE ${role} WITH LOGIN PASSWORD '${password}'`);
        }
        await tx.query(
          `INSERT INTO aimass_private.sandbox_logins (role_name, password) VALUES ($1, $2)
           ON CONFLICT (role_name) DO UPDATE SET password = EXCLUDED.password, updated_at = now()`,
          [role, password],
        );
        return password;
      });
    } catch (error) {
      // 42710: a hub of another database on this server made the role a moment ago (the caller tries again).
      if ((error as { code?: string }).code === '42501') {
        throw new SandboxUnavailable(
          `the hub's database user may not create or alter role ${role} (it needs CREATEROLE, and on PostgreSQL 16+ ADMIN on the role): ` +
            'grant it, or create a role by hand and set AIMASS_SQL_DATABASE_URL (docs/sql-sandbox.md)',
        );
      }
      throw error;
    }
  };

  let password = await ensurePassword();
  let url = withLogin(hubUrl, role, password);
  const problem = await loginProblem(url);
  if (problem === 'credentials') {
    log.warn(`the stored password of role ${role} no longer logs in (another installation on this server may have reset it): setting a new one`);
    password = await ensurePassword(password);
    url = withLogin(hubUrl, role, password);
    if ((await loginProblem(url)) !== null) throw new SandboxUnavailable(`role ${role} cannot log in with the password the hub just set`);
  } else if (problem !== null) {
    throw new SandboxUnavailable(`role ${role} cannot log in: ${problem}`);
  }
  return { role, url };
}

/** null when `url` logs in; 'credentials' for a wrong password or a NOLOGIN role; else the server's message. */
async function loginProblem(url: string): Promise<'credentials' | string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    return null;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '28P01' || code === '28000') return 'credentials';
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkAttributes(db: DataSource, role: string): Promise<void> {
  const [r] = await db.query(
    `SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin,
            (SELECT string_agg(g.rolname, ', ') FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) AS member_of
       FROM pg_roles r WHERE r.rolname = $1`,
    [role],
  );
  const wrong = [
    r.rolsuper && 'SUPERUSER',
    r.rolcreatedb && 'CREATEDB',
    r.rolcreaterole && 'CREATEROLE',
    r.rolreplication && 'REPLICATION',
    r.rolbypassrls && 'BYPASSRLS',
    !r.rolcanlogin && 'NOLOGIN',
  ].filter(Boolean);
  if (wrong.length > 0) throw new SandboxUnavailable(`role ${role} has ${wrong.join(', ')}: the sandbox role must be a plain LOGIN role`);
  if (r.member_of) throw new SandboxUnavailable(`role ${role} is a member of ${r.member_of}: the sandbox role must be a member of no role`);
}

async function grantPrivileges(db: DataSource, role: string): Promise<void> {
  const r = ident(role);
  await db.query(`GRANT USAGE ON SCHEMA datasets TO ${r}`);
  await db.query(`GRANT USAGE ON SCHEMA aimass_sandbox TO ${r}`);
  await db.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA datasets GRANT SELECT ON TABLES TO ${r}`);
  // Tables made before (by an older hub, or before this role existed), and any without the policy.
  const tables: { name: string; granted: boolean; policy: boolean }[] = await db.query(
    `SELECT c.oid::regclass::text AS name, has_table_privilege($1, c.oid, 'SELECT') AS granted,
            c.relrowsecurity AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = $2) AS policy
       FROM pg_class c WHERE c.relnamespace = 'datasets'::regnamespace AND c.relkind = 'r'`,
    [role, SANDBOX_READ_POLICY],
  );
  for (const table of tables) {
    if (!table.policy) {
      await db.transaction(async (tx) => {
        await tx.query(`DROP POLICY IF EXISTS ${SANDBOX_READ_POLICY} ON ${table.name}`);
        await protectDatasetTable(tx, table.name);
      });
    }
    if (!table.granted) await db.query(`GRANT SELECT ON ${table.name} TO ${r}`);
  }
}

/** Refuses a role that could do more than read dataset tables under their policy. */
async function checkNothingElse(db: DataSource, role: string): Promise<void> {
  const others: { name: string }[] = await db.query(
    `SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
        AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        AND (CASE WHEN n.nspname = 'datasets' THEN has_table_privilege($1, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
                  ELSE has_table_privilege($1, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') END)
      LIMIT 5`,
    [role],
  );
  if (others.length > 0) {
    throw new SandboxUnavailable(`role ${role} has privileges on ${others.map((o) => o.name).join(', ')}: revoke them (it may only read dataset tables)`);
  }
  // PostgreSQL before 15 lets PUBLIC create in schema public; the hub (its owner, or a superuser) takes that back.
  const creatable = async () =>
    (await db.query(`SELECT nspname FROM pg_namespace WHERE has_schema_privilege($1, oid, 'CREATE') ORDER BY nspname`, [role])).map((n: { nspname: string }) => n.nspname);
  let schemas: string[] = await creatable();
  if (schemas.includes('public')) {
    await db.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`).catch(() => undefined);
    schemas = await creatable();
  }
  if (schemas.length > 0) throw new SandboxUnavailable(`role ${role} may create objects in schema ${schemas.join(', ')}: revoke CREATE from it (and from PUBLIC)`);
  // Temporary tables: PUBLIC may make them in every database by default.
  const temporary = async () => (await db.query(`SELECT has_database_privilege($1, current_database(), 'TEMPORARY') AS ok`, [role]))[0].ok as boolean;
  if (await temporary()) {
    await db
      .query(`DO $$ BEGIN
        EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO CURRENT_USER', current_database());
        EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
      END $$`)
      .catch(() => undefined);
    if (await temporary()) throw new SandboxUnavailable(`role ${role} may create temporary tables: REVOKE TEMPORARY ON DATABASE <this database> FROM PUBLIC (grant it to the hub's user)`);
  }
  const functions: { name: string }[] = await db.query(
    `SELECT f AS name FROM unnest(ARRAY['pg_read_file(text)', 'pg_read_binary_file(text)', 'pg_ls_dir(text)', 'lo_import(text)', 'lo_export(oid, text)']) AS f
      WHERE has_function_privilege($1, f::regprocedure, 'EXECUTE')`,
    [role],
  );
  if (functions.length > 0) throw new SandboxUnavailable(`role ${role} may call ${functions.map((f) => f.name).join(', ')}: revoke EXECUTE`);
}

/**
 * Session defaults for the role in this database, so even a session that skipped the hub's own
 * SET LOCALs is bounded. temp_file_limit only a superuser may set: without one the hub logs it and
 * goes on (statement_timeout still bounds how much a query can spill).
 */
async function setRoleDefaults(db: DataSource, role: string, log: Logger): Promise<void> {
  const settings: [string, string][] = [
    ['default_transaction_read_only', 'on'],
    ['work_mem', `'${SANDBOX_WORK_MEM}'`],
    ['temp_file_limit', `'${SANDBOX_TEMP_FILE_LIMIT}'`],
  ];
  const unset: string[] = [];
  for (const [name, value] of settings) {
    try {
      await db.query(`DO $$ BEGIN EXECUTE format('ALTER ROLE %I IN DATABASE %I SET ${name} = ${value.replace(/'/g, "''")}', '${role.replace(/'/g, "''")}', current_database()); END $$`);
    } catch {
      unset.push(name);
    }
  }
  if (unset.length > 0) log.warn({ role, settings: unset }, `could not set ${unset.join(', ')} on role ${role} (a superuser can: see docs/sql-sandbox.md)`);
}
