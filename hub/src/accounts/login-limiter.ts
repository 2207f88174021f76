/**
 * Login rate limits, per account and per client IP, kept in the database (login_attempts) so that
 * several hub processes share one count. Checked before the password is, so a locked account
 * cannot be probed. Old rows are swept by the housekeeping cron.
 */
import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

export class LoginLimiter {
  constructor(
    private readonly db: DataSource,
    private readonly limits: Config['login'],
  ) {}

  async check(usernameLower: string, ip: string): Promise<void> {
    const window = `${this.limits.windowSeconds} seconds`;
    const [row] = await this.db.query(
      `SELECT
         (SELECT count(*) FROM login_attempts WHERE username_lower = $1 AND NOT succeeded AND at > now() - $3::interval)::int AS account_failures,
         (SELECT count(*) FROM login_attempts WHERE ip = $2 AND at > now() - $3::interval)::int AS ip_attempts`,
      [usernameLower, ip, window],
    );
    if (row.account_failures >= this.limits.maxFailuresPerAccount || row.ip_attempts >= this.limits.maxAttemptsPerIp) {
      throw new AppError(
        'RATE_LIMITED',
        'Too many login attempts; try again later',
        [],
        this.limits.windowSeconds,
      );
    }
  }

  async record(usernameLower: string, ip: string, succeeded: boolean): Promise<void> {
    await this.db.query(`INSERT INTO login_attempts (username_lower, ip, succeeded) VALUES ($1, $2, $3)`, [
      usernameLower,
      ip,
      succeeded,
    ]);
  }

  /** Deletes attempts older than the window; returns how many went. */
  async sweep(): Promise<number> {
    const result = await this.db.query(`DELETE FROM login_attempts WHERE at < now() - $1::interval`, [
      `${this.limits.windowSeconds} seconds`,
    ]);
    return result[1] ?? 0;
  }
}
