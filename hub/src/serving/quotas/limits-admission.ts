/**
 * The admission check on PostgreSQL (migrations/1766910000000-ServingUsage.ts `serving_admit()`):
 * no statement when no limit applies; otherwise one call checks every limit and spends one of each
 * per admitted request, or none. Every hub on the database shares the counters, so a daily quota
 * of N admits N requests whichever hubs they reach.
 *
 * Requests with the same limits (the same key on the same deployment, say) that arrive while a
 * call for those limits is running wait for it and go together in the next call: a hot key or
 * deployment costs one statement at a time per hub, however many requests it receives, instead of
 * a queue of statements waiting on the same rows.
 *
 * Answers carry the IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers):
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` of the limit closest to being spent,
 * `RateLimit-Policy` listing every limit that applied, and `Retry-After` on a refusal.
 */
import type { Principal } from '../../accounts/index.js';
import { rows, type Queryable } from '../../db/rows.js';
import { AppError } from '../../errors.js';
import type { Admission, RateLimitHeaders } from '../admission.js';
import type { CallerAccess, DeploymentTarget } from '../deployment-target.js';
import { applicableLimits, type Limit } from './applicable-limits.js';
import type { Clock } from './clock.js';
import { RateLimitedError } from './rate-limited-error.js';

interface AdmitRow {
  limit_kind: string;
  limit_key: string;
  left_before: number;
  granted: number;
  to_midnight: number;
}

/** One limit after a call: what it had before it and the seconds to the next UTC midnight. */
interface LimitState {
  limit: Limit;
  leftBefore: number;
  toMidnight: number;
}

interface Waiter {
  resolve(headers: RateLimitHeaders): void;
  reject(error: unknown): void;
}

interface Group {
  limits: Limit[];
  waiting: Waiter[];
  running: boolean;
}

/** Requests one call may admit. */
const MAX_PER_CALL = 1000;
/**
 * Requests that may wait on one set of limits while the database is slow; beyond, they are
 * refused at once (UNAVAILABLE) rather than queued without bound.
 */
export const MAX_WAITING = 10_000;

export class LimitsAdmission implements Admission {
  private readonly groups = new Map<string, Group>();

  /**
   * @param clock the time the counters are computed at; without one, the database's `now()`, so
   *   hubs whose clocks drift still agree.
   */
  constructor(
    private readonly db: Queryable,
    private readonly clock: Clock | null = null,
  ) {}

  admit(principal: Principal, target: DeploymentTarget, access: CallerAccess): Promise<RateLimitHeaders> {
    const limits = applicableLimits(principal, target, access);
    if (limits.length === 0) return Promise.resolve({});
    const id = limits.map((l) => `${l.period}|${l.key}|${l.value}`).join('\n');
    let group = this.groups.get(id);
    if (!group) this.groups.set(id, (group = { limits, waiting: [], running: false }));
    if (group.waiting.length >= MAX_WAITING) {
      return Promise.reject(new AppError('UNAVAILABLE', 'Too many requests are waiting for their limits to be checked; retry shortly', [], 1));
    }
    const admitted = new Promise<RateLimitHeaders>((resolve, reject) => group.waiting.push({ resolve, reject }));
    if (!group.running) void this.run(id, group);
    return admitted;
  }

  /** Sends the group's waiting requests, a call at a time, until none waits. */
  private async run(id: string, group: Group): Promise<void> {
    group.running = true;
    while (group.waiting.length > 0) {
      const batch = group.waiting.splice(0, MAX_PER_CALL);
      try {
        const { states, granted } = await this.call(group.limits, batch.length);
        batch.forEach((waiter, i) => (i < granted ? waiter.resolve(admittedHeaders(states, i + 1)) : waiter.reject(refusal(states, granted))));
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
    group.running = false;
    this.groups.delete(id);
  }

  private async call(limits: Limit[], count: number): Promise<{ states: LimitState[]; granted: number }> {
    const result = rows<AdmitRow>(
      await this.db.query(`SELECT * FROM serving_admit($1::text[], $2::text[], $3::float8[], $4::integer, $5::timestamptz)`, [
        limits.map((l) => l.period),
        limits.map((l) => l.key),
        limits.map((l) => l.value),
        count,
        this.clock ? new Date(this.clock.now()) : null,
      ]),
    );
    const states = result.map((row) => ({
      limit: limits.find((l) => l.period === row.limit_kind && l.key === row.limit_key)!,
      leftBefore: Number(row.left_before),
      toMidnight: Number(row.to_midnight),
    }));
    return { states, granted: result[0]?.granted ?? 0 };
  }
}

/** Requests per window: a day's count, or a bucket's size (one second's worth, at least one). */
function quota(limit: Limit): number {
  return limit.period === 'day' ? limit.value : Math.max(1, Math.floor(limit.value));
}

/** What a limit has left once `spent` requests of the call were taken, and the seconds until it is whole. */
function after(state: LimitState, spent: number): { remaining: number; reset: number; wait: number } {
  const remaining = Math.max(0, state.leftBefore - spent);
  if (state.limit.period === 'day') return { remaining, reset: state.toMidnight, wait: remaining < 1 ? state.toMidnight : 0 };
  const rate = state.limit.value;
  return { remaining, reset: (quota(state.limit) - remaining) / rate, wait: Math.max(0, 1 - remaining) / rate };
}

function headersOf(states: LimitState[], shown: LimitState, spent: number): RateLimitHeaders {
  const { remaining, reset } = after(shown, spent);
  return {
    'RateLimit-Limit': String(quota(shown.limit)),
    'RateLimit-Remaining': String(Math.floor(remaining)),
    'RateLimit-Reset': String(Math.max(0, Math.ceil(reset))),
    'RateLimit-Policy': states.map((s) => `${quota(s.limit)};w=${s.limit.period === 'day' ? 86_400 : 1}`).join(', '),
  };
}

/** Headers for the request that was the `spent`-th admitted by its call: the limit with the fewest left (the later reset among equals). */
function admittedHeaders(states: LimitState[], spent: number): RateLimitHeaders {
  const closest = states.reduce((a, b) => {
    const [x, y] = [after(a, spent), after(b, spent)];
    return y.remaining < x.remaining || (y.remaining === x.remaining && y.reset > x.reset) ? b : a;
  });
  return headersOf(states, closest, spent);
}

/** The refusal for a request its call could not admit after `granted` others: names the limit that keeps it waiting longest. */
function refusal(states: LimitState[], granted: number): RateLimitedError {
  const refusing = states.reduce((a, b) => (after(b, granted).wait > after(a, granted).wait ? b : a));
  const retryAfter = Math.max(1, Math.ceil(after(refusing, granted).wait));
  return new RateLimitedError(refusing.limit.owner, refusing.limit.period, refusing.limit.value, retryAfter, {
    ...headersOf(states, refusing, granted),
    'Retry-After': String(retryAfter),
  });
}
