/**
 * Serving's limits and meter, built once per hub: the admission check (limits-admission.ts), the
 * meter (usage-meter.ts) and the usage reader (usage.service.ts), with the meter's flush timer as
 * start/stop hooks.
 */
import type { Queryable } from '../../db/rows.js';
import type { Logger } from '../../logger.js';
import type { Admission, Metering } from '../admission.js';
import { systemClock, type Clock } from './clock.js';
import { LimitsAdmission } from './limits-admission.js';
import type { UsageDeployments } from './usage-deployments.js';
import { UsageMeter, type UsageMeterOptions } from './usage-meter.js';
import { UsageService } from './usage.service.js';

export interface QuotasOptions {
  db: Queryable;
  log: Logger;
  /** Finds deployments for the usage query (the deployments half of serving). */
  deployments: UsageDeployments;
  /** Names of API keys, by id (accounts). */
  apiKeyNames: (ids: string[]) => Promise<Map<string, string>>;
  /**
   * A test's clock. Without one, the meter and the figures read the system clock and the limits
   * the database's, so hubs whose clocks drift apart still count against the same day and bucket.
   */
  clock?: Clock;
  meter?: Partial<UsageMeterOptions>;
}

export interface Quotas {
  admission: Admission;
  metering: Metering;
  usage: UsageService;
  /** Starts the meter's flush timer. */
  start(): void;
  /** Stops the timer and writes what is pending. */
  stop(): Promise<void>;
  /** Drops counters of past days and buckets idle (hence full) for a day. */
  housekeeping(): Promise<void>;
}

export function createQuotas(options: QuotasOptions): Quotas {
  const clock = options.clock ?? systemClock;
  const meter = new UsageMeter(options.db, options.log, clock, options.meter);
  return {
    admission: new LimitsAdmission(options.db, options.clock ?? null),
    metering: meter,
    usage: new UsageService(options.db, meter, options.deployments, options.apiKeyNames, clock),
    start: () => meter.start(),
    stop: () => meter.stop(),
    async housekeeping() {
      await options.db.query(`DELETE FROM serving_daily_counts WHERE day < (now() AT TIME ZONE 'UTC')::date - 1`);
      await options.db.query(`DELETE FROM serving_rate_buckets WHERE refilled_at < now() - interval '1 day'`);
    },
  };
}
