/**
 * Sign-ups per client address (AIMASS_SIGNUP_MAX_PER_IP within AIMASS_SIGNUP_WINDOW_SECONDS),
 * counted in the database (signup_attempts) so every hub shares the count. Checked before the
 * input is, so a flood costs no password hashing; old rows are swept by the housekeeping cron.
 */
import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

export class SignupLimiter {
  constructor(
    private readonly db: DataSource,
    private readonly limits: Config['signUp'],
  ) {}

  /** Counts this attempt, then refuses it with RATE_LIMITED (and when to retry) if the address is over its limit. */
  async take(ip: string): Promise<void> {
    const window = `${this.limits.windowSeconds} seconds`;
    const [row] = await this.db.query(
      `WITH added AS (INSERT INTO signup_attempts (ip) VALUES ($1) RETURNING id)
       SELECT count(*)::int AS attempts,
              ceil(extract(epoch FROM min(at) + $2::interval - now()))::int AS retry_after
       FROM signup_attempts WHERE ip = $1 AND at > now() - $2::interval`,
      [ip, window],
    );
    // The row just added is not visible to the SELECT of the same statement: count it here.
    if (row.attempts + 1 > this.limits.maxPerIp) {
      throw new AppError('RATE_LIMITED', 'Too many accounts were created from your address; try again later', [], Math.max(1, row.retry_after ?? this.limits.windowSeconds));
    }
  }

  async sweep(): Promise<number> {
    const result = await this.db.query(`DELETE FROM signup_attempts WHERE at < now() - $1::interval`, [`${this.limits.windowSeconds} seconds`]);
    return result[1] ?? 0;
  }
}
