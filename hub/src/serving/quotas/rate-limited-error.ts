import { AppError } from '../../errors.js';
import type { RateLimitHeaders } from '../admission.js';
import type { LimitOwner, LimitPeriod } from './applicable-limits.js';

const WHOSE: Record<LimitOwner, string> = { apiKey: 'this API key', plan: 'your subscription plan', deployment: 'this deployment' };

/**
 * A request over one of its limits: 429 RATE_LIMITED with `Retry-After` and the `RateLimit-*`
 * headers (REST sets them from `headers`), and `limitedBy` / `period` naming the limit.
 */
export class RateLimitedError extends AppError {
  constructor(
    readonly limitedBy: LimitOwner,
    readonly period: LimitPeriod,
    readonly limit: number,
    retryAfterSeconds: number,
    private readonly rateLimitHeaders: RateLimitHeaders,
  ) {
    super(
      'RATE_LIMITED',
      period === 'day'
        ? `The daily request limit of ${WHOSE[limitedBy]} (${limit} per UTC day) is spent; retry in ${retryAfterSeconds} s`
        : `Too many requests for ${WHOSE[limitedBy]} (at most ${limit} per second); retry in ${retryAfterSeconds} s`,
      [],
      retryAfterSeconds,
    );
  }

  override get details() {
    return { limitedBy: this.limitedBy, period: this.period, limit: this.limit };
  }

  override get headers(): RateLimitHeaders {
    return this.rateLimitHeaders;
  }
}
