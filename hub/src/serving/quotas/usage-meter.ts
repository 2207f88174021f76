/**
 * The meter: each request adds to an in-memory tally per (minute, deployment, user, API key), and
 * the tallies are written in batches (an upsert a second, and on stop) into `serving_usage`, where
 * every hub's tallies of the same minute add up. A write that fails keeps its tallies for the next
 * one (up to `maxPendingRows`; beyond, the oldest minutes are dropped and the loss is logged as an
 * error), and never throws to the caller or the timer (../pending-tallies.ts).
 */
import type { Queryable } from '../../db/rows.js';
import type { Logger } from '../../logger.js';
import type { Metering, UsageEntry } from '../admission.js';
import { PendingTallies } from '../pending-tallies.js';
import type { Clock } from './clock.js';
import { addCounts, BATCH_SIZE_BUCKETS, batchSizeBucket, LATENCY_BUCKETS, latencyBucket } from './histogram.js';

export interface UsageTally {
  /** Start of the minute, epoch ms. */
  minute: number;
  deploymentId: string;
  userId: string;
  apiKeyId: string | null;
  requests: number;
  rows: number;
  errors: number;
  computeMs: number;
  latencyCounts: number[];
  batchSizeCounts: number[];
}

export interface UsageMeterOptions {
  /** How often pending tallies are written. */
  flushIntervalMs: number;
  /** Tallies kept while the database cannot take them; beyond, the oldest minutes are dropped. */
  maxPendingRows: number;
}

const DEFAULTS: UsageMeterOptions = { flushIntervalMs: 1000, maxPendingRows: 100_000 };

const keyOf = (t: Pick<UsageTally, 'minute' | 'deploymentId' | 'userId' | 'apiKeyId'>) => `${t.minute}|${t.deploymentId}|${t.userId}|${t.apiKeyId ?? ''}`;

export class UsageMeter implements Metering {
  private readonly pending: PendingTallies<UsageTally>;

  constructor(
    private readonly db: Queryable,
    log: Logger,
    private readonly clock: Clock,
    options: Partial<UsageMeterOptions> = {},
  ) {
    const { flushIntervalMs, maxPendingRows } = { ...DEFAULTS, ...options };
    this.pending = new PendingTallies<UsageTally>(
      {
        name: 'usage',
        key: keyOf,
        add(now, t) {
          now.requests += t.requests;
          now.rows += t.rows;
          now.errors += t.errors;
          now.computeMs += t.computeMs;
          addCounts(now.latencyCounts, t.latencyCounts);
          addCounts(now.batchSizeCounts, t.batchSizeCounts);
        },
        startedAt: (t) => t.minute,
        requests: (t) => t.requests,
        upsert: (tallies) => this.upsert(tallies),
      },
      log,
      { flushIntervalMs, maxPending: maxPendingRows },
    );
  }

  record(entry: UsageEntry): void {
    const minute = Math.floor(this.clock.now() / 60_000) * 60_000;
    const key = { minute, deploymentId: entry.deploymentId, userId: entry.userId, apiKeyId: entry.apiKeyId };
    const tally = this.pending.tally(keyOf(key), () => ({
      ...key,
      requests: 0,
      rows: 0,
      errors: 0,
      computeMs: 0,
      latencyCounts: new Array<number>(LATENCY_BUCKETS).fill(0),
      batchSizeCounts: new Array<number>(BATCH_SIZE_BUCKETS).fill(0),
    }));
    tally.requests += 1;
    tally.rows += Math.max(0, Math.floor(entry.rows) || 0);
    if (entry.error) tally.errors += 1;
    // Agent-reported: metered as told, but never negative or not a number.
    if (Number.isFinite(entry.computeMs) && entry.computeMs > 0) tally.computeMs += entry.computeMs;
    tally.latencyCounts[latencyBucket(entry.latencyMs)] += 1;
    if (entry.batchSize != null && Number.isFinite(entry.batchSize) && entry.batchSize >= 1) tally.batchSizeCounts[batchSizeBucket(entry.batchSize)] += 1;
  }

  /** Writes what is pending; resolves once everything recorded before the call was written (or the write failed and was logged). */
  flush(): Promise<void> {
    return this.pending.flush();
  }

  start(): void {
    this.pending.start();
  }

  /** Stops the timer and writes what is left. */
  stop(): Promise<void> {
    return this.pending.stop();
  }

  private async upsert(tallies: UsageTally[]): Promise<void> {
    await this.db.query(
      `INSERT INTO serving_usage AS u (minute, deployment_id, user_id, api_key_id, requests, rows, errors, compute_ms, latency_counts, batch_size_counts)
       SELECT to_timestamp(x.minute / 1000.0), x.deployment_id, x.user_id, x.api_key_id, x.requests, x.rows, x.errors, x.compute_ms, x.latency_counts, x.batch_size_counts
       FROM jsonb_to_recordset($1::jsonb) AS x(minute bigint, deployment_id uuid, user_id uuid, api_key_id uuid, requests integer, rows bigint,
         errors integer, compute_ms double precision, latency_counts integer[], batch_size_counts integer[])
       ON CONFLICT ON CONSTRAINT serving_usage_key DO UPDATE SET
         requests = u.requests + EXCLUDED.requests,
         rows = u.rows + EXCLUDED.rows,
         errors = u.errors + EXCLUDED.errors,
         compute_ms = u.compute_ms + EXCLUDED.compute_ms,
         latency_counts = ARRAY(SELECT coalesce(a, 0) + coalesce(b, 0) FROM unnest(u.latency_counts, EXCLUDED.latency_counts) WITH ORDINALITY AS h(a, b, i) ORDER BY i),
         batch_size_counts = ARRAY(SELECT coalesce(a, 0) + coalesce(b, 0) FROM unnest(u.batch_size_counts, EXCLUDED.batch_size_counts) WITH ORDINALITY AS h(a, b, i) ORDER BY i)`,
      [
        JSON.stringify(
          tallies.map((t) => ({
            minute: t.minute,
            deployment_id: t.deploymentId,
            user_id: t.userId,
            api_key_id: t.apiKeyId,
            requests: t.requests,
            rows: t.rows,
            errors: t.errors,
            compute_ms: t.computeMs,
            latency_counts: t.latencyCounts,
            batch_size_counts: t.batchSizeCounts,
          })),
        ),
      ],
    );
  }
}
