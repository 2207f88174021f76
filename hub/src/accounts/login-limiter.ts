/**
 * Login rate limits, kept in the database (login_attempts) so that several hub processes share
 * one count, and checked before the password is, so a limited account cannot be probed:
 * - per (account, client address) pair: AIMASS_LOGIN_MAX_FAILURES failures within the window
 *   stop that address guessing that account — and nobody else;
 * - per client address: AIMASS_LOGIN_MAX_ATTEMPTS_PER_IP attempts on any accounts;
 * - per account, from every address together: AIMASS_LOGIN_MAX_FAILURES_PER_ACCOUNT (much
 *   higher), a slow guard against guessing from many addresses. An address that has logged in to
 *   the account before (within {@link KNOWN_ADDRESS_DAYS} days) is not held back by it, so
 *   strangers failing on purpose cannot lock the owner out.
 * The client address is Express's `req.ip`, believed through AIMASS_TRUST_PROXY_HOPS proxies only.
 * Old rows are swept by the housekeeping cron.
 */
import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

/** How long a successful login makes its address known to the account. */
export const KNOWN_ADDRESS_DAYS = 30;

export class LoginLimiter {
  constructor(
    private readonly db: DataSource,
    private readonly limits: Config['login'],
  ) {}

  async check(usernameLower: string, ip: string): Promise<void> {
    const window = `${this.limits.windowSeconds} seconds`;
    const [row] = await this.db.query(
      `SELECT
         (SELECT count(*) FROM login_attempts WHERE username_lower = $1 AND ip = $2 AND NOT succeeded AND at > now() - $3::interval)::int AS pair_failures,
         (SELECT count(*) FROM login_attempts WHERE username_lower = $1 AND NOT succeeded AND at > now() - $3::interval)::int AS account_failures,
         (SELECT count(*) FROM login_attempts WHERE ip = $2 AND at > now() - $3::interval)::int AS ip_attempts,
         EXISTS (SELECT 1 FROM login_attempts WHERE username_lower = $1 AND ip = $2 AND succeeded AND at > now() - $4::interval) AS known_address`,
      [usernameLower, ip, window, `${KNOWN_ADDRESS_DAYS} days`],
    );
    const limited =
      row.pair_failures >= this.limits.maxFailuresPerPair ||
      row.ip_attempts >= this.limits.maxAttemptsPerIp ||
      (row.account_failures >= this.limits.maxFailuresPerAccount && !row.known_address);
    if (limited) throw new AppError('RATE_LIMITED', 'Too many login attempts; try again later', [], this.limits.windowSeconds);
  }

  async record(usernameLower: string, ip: string, succeeded: boolean): Promise<void> {
    await this.db.query(`INSERT INTO login_attempts (username_lower, ip, succeeded) VALUES ($1, $2, $3)`, [
      usernameLower,
      ip,
      succeeded,
    ]);
  }

  /** Deletes attempts older than the window, keeping successes while they make an address known; returns how many went. */
  async sweep(): Promise<number> {
    const result = await this.db.query(
      `DELETE FROM login_attempts WHERE at < now() - $1::interval AND (NOT succeeded OR at < now() - $2::interval)`,
      [`${this.limits.windowSeconds} seconds`, `${KNOWN_ADDRESS_DAYS} days`],
    );
    return result[1] ?? 0;
  }
}
