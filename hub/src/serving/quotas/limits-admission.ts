/**
 * The admission check on PostgreSQL: one `serving_admit()` call per request that has limits (none
 * when nothing applies), which checks every limit and spends one of each only when none is spent
 * (migrations/1766910000000-ServingUsage.ts). Every hub on the database shares the counters, so a
 * daily quota of N admits N requests whichever hubs they reach.
 *
 * The answer carries the IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers):
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` of the limit closest to being spent,
 * `RateLimit-Policy` listing every limit that applied, and `Retry-After` on a refusal.
 */
import type { Principal } from '../../accounts/index.js';
import { rows, type Queryable } from '../../db/rows.js';
import type { Admission, RateLimitHeaders } from '../admission.js';
import type { CallerAccess, DeploymentTarget } from '../deployment-target.js';
import { applicableLimits, type Limit } from './applicable-limits.js';
import type { Clock } from './clock.js';
import { RateLimitedError } from './rate-limited-error.js';

interface AdmitRow {
  limit_kind: string;
  limit_key: string;
  limit_value: number;
  remaining: number;
  reset_seconds: number;
  wait_seconds: number;
  admitted: boolean;
}

/** One limit's state after the call. */
interface LimitState {
  limit: Limit;
  remaining: number;
  resetSeconds: number;
  waitSeconds: number;
}

export class LimitsAdmission implements Admission {
  /**
   * @param clock the time the counters are computed at; without one, the database's `now()`, so
   *   hubs whose clocks drift still agree.
   */
  constructor(
    private readonly db: Queryable,
    private readonly clock: Clock | null = null,
  ) {}

  async admit(principal: Principal, target: DeploymentTarget, access: CallerAccess): Promise<RateLimitHeaders> {
    const limits = applicableLimits(principal, target, access);
    if (limits.length === 0) return {};
    const result = rows<AdmitRow>(
      await this.db.query(`SELECT * FROM serving_admit($1::text[], $2::text[], $3::float8[], $4::timestamptz)`, [
        limits.map((l) => l.period),
        limits.map((l) => l.key),
        limits.map((l) => l.value),
        this.clock ? new Date(this.clock.now()) : null,
      ]),
    );
    const states: LimitState[] = result.map((row) => ({
      limit: limits.find((l) => l.period === row.limit_kind && l.key === row.limit_key)!,
      remaining: Number(row.remaining),
      resetSeconds: Number(row.reset_seconds),
      waitSeconds: Number(row.wait_seconds),
    }));
    if (result.every((row) => row.admitted)) return headersOf(states, closest(states));
    // The limit that keeps the caller waiting longest is the one to name.
    const refusing = states.filter((s) => s.waitSeconds > 0).reduce((a, b) => (b.waitSeconds > a.waitSeconds ? b : a));
    const retryAfter = Math.max(1, Math.ceil(refusing.waitSeconds));
    throw new RateLimitedError(refusing.limit.owner, refusing.limit.period, refusing.limit.value, retryAfter, {
      ...headersOf(states, refusing),
      'Retry-After': String(retryAfter),
    });
  }
}

/** The limit with the fewest requests left (the later reset among equals). */
function closest(states: LimitState[]): LimitState {
  return states.reduce((a, b) => (b.remaining < a.remaining || (b.remaining === a.remaining && b.resetSeconds > a.resetSeconds) ? b : a));
}

function headersOf(states: LimitState[], shown: LimitState): RateLimitHeaders {
  return {
    'RateLimit-Limit': String(quota(shown.limit)),
    'RateLimit-Remaining': String(Math.max(0, Math.floor(shown.remaining))),
    'RateLimit-Reset': String(Math.max(0, Math.ceil(shown.resetSeconds))),
    'RateLimit-Policy': states.map((s) => `${quota(s.limit)};w=${s.limit.period === 'day' ? 86_400 : 1}`).join(', '),
  };
}

/** Requests per window: a day's count, or a bucket's size (one second's worth, at least one). */
function quota(limit: Limit): number {
  return limit.period === 'day' ? limit.value : Math.max(1, Math.floor(limit.value));
}
