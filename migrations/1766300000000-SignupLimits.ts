import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-ups per client address (accounts/signup-limiter.ts), shared by every hub on the database,
 * and an index for the login limiter's (account, address) pair count.
 */
export class SignupLimits1766300000000 implements MigrationInterface {
  name = 'SignupLimits1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE signup_attempts (
        id bigserial PRIMARY KEY,
        ip text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX signup_attempts_ip ON signup_attempts (ip, at)`);
    await q.query(`CREATE INDEX login_attempts_pair ON login_attempts (username_lower, ip, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS login_attempts_pair`);
    await q.query(`DROP TABLE IF EXISTS signup_attempts`);
  }
}
