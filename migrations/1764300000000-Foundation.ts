import type { MigrationInterface, QueryRunner } from 'typeorm';
// created_at columns are timestamptz(3): millisecond precision round-trips through a JS Date, so keyset cursors are exact.

/**
 * Accounts: the handle namespace shared by users and organizations, sessions, API keys, node
 * tokens and the login-attempt log used for rate limiting. Hand-written SQL that PostgreSQL 15
 * and PGlite both run.
 */
export class Foundation1764300000000 implements MigrationInterface {
  name = 'Foundation1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE handles (
        handle_lower text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('user', 'org')),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL,
        email text NOT NULL,
        display_name text NOT NULL,
        password_hash text,
        is_admin boolean NOT NULL DEFAULT false,
        is_system boolean NOT NULL DEFAULT false,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_username_lower ON users (lower(username))`);
    await q.query(`CREATE UNIQUE INDEX users_email_lower ON users (lower(email))`);
    await q.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        user_agent text,
        ip text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX sessions_user ON sessions (user_id)`);
    await q.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        handle text NOT NULL,
        display_name text NOT NULL,
        description text NOT NULL DEFAULT '',
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX organizations_handle_lower ON organizations (lower(handle))`);
    await q.query(`
      CREATE TABLE memberships (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (organization_id, user_id)
      )`);
    await q.query(`CREATE INDEX memberships_user ON memberships (user_id)`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name text NOT NULL,
        prefix text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        scopes text[] NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        expires_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_user ON api_keys (user_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE node_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name text NOT NULL,
        prefix text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        last_connected_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX node_tokens_user ON node_tokens (user_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE login_attempts (
        id bigserial PRIMARY KEY,
        username_lower text NOT NULL,
        ip text NOT NULL,
        succeeded boolean NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX login_attempts_user ON login_attempts (username_lower, at)`);
    await q.query(`CREATE INDEX login_attempts_ip ON login_attempts (ip, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['login_attempts', 'node_tokens', 'api_keys', 'memberships', 'organizations', 'sessions', 'users', 'handles']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
