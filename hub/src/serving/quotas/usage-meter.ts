/**
 * The meter: each request adds to an in-memory tally per (minute, deployment, user, API key), and
 * the tallies are written in batches (an upsert a second, and on stop) into `serving_usage`, where
 * every hub's tallies of the same minute add up. A write that fails keeps its tallies for the next
 * one (up to `maxPendingRows`; beyond, the oldest minutes are dropped and the loss is logged as an
 * error), and never throws to the caller or the timer.
 */
import type { Queryable } from '../../db/rows.js';
import type { Logger } from '../../logger.js';
import type { Metering, UsageEntry } from '../admission.js';
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
/** Rows per upsert statement. */
const CHUNK = 2000;

export class UsageMeter implements Metering {
  private pending = new Map<string, UsageTally>();
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly options: UsageMeterOptions;

  constructor(
    private readonly db: Queryable,
    private readonly log: Logger,
    private readonly clock: Clock,
    options: Partial<UsageMeterOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  record(entry: UsageEntry): void {
    const minute = Math.floor(this.clock.now() / 60_000) * 60_000;
    const id = `${minute}|${entry.deploymentId}|${entry.userId}|${entry.apiKeyId ?? ''}`;
    let tally = this.pending.get(id);
    if (!tally) {
      tally = {
        minute,
        deploymentId: entry.deploymentId,
        userId: entry.userId,
        apiKeyId: entry.apiKeyId,
        requests: 0,
        rows: 0,
        errors: 0,
        computeMs: 0,
        latencyCounts: new Array<number>(LATENCY_BUCKETS).fill(0),
        batchSizeCounts: new Array<number>(BATCH_SIZE_BUCKETS).fill(0),
      };
      this.pending.set(id, tally);
    }
    tally.requests += 1;
    tally.rows += Math.max(0, Math.floor(entry.rows) || 0);
    if (entry.error) tally.errors += 1;
    // Agent-reported: metered as told, but never negative or not a number.
    if (Number.isFinite(entry.computeMs) && entry.computeMs > 0) tally.computeMs += entry.computeMs;
    tally.latencyCounts[latencyBucket(entry.latencyMs)] += 1;
    if (entry.batchSize != null && Number.isFinite(entry.batchSize) && entry.batchSize >= 1) tally.batchSizeCounts[batchSizeBucket(entry.batchSize)] += 1;
  }

  /**
   * Writes what is pending; resolves once everything recorded before the call was written (or the
   * write failed and was logged). Concurrent calls share the writes.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    this.flushing = this.write().finally(() => (this.flushing = null));
    await this.flushing;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    // One order on every hub, so two hubs' upserts of the same rows wait rather than deadlock.
    const tallies = [...batch.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
    let written = 0;
    try {
      for (let i = 0; i < tallies.length; i += CHUNK) {
        await this.upsert(tallies.slice(i, i + CHUNK));
        written = i + CHUNK;
      }
    } catch (error) {
      const kept = tallies.slice(written);
      this.log.warn({ err: error, tallies: kept.length }, 'usage could not be written; kept for the next flush');
      this.keep(kept);
    }
  }

  /** Puts unwritten tallies back (added to what arrived meanwhile), dropping the oldest beyond the bound. */
  private keep(tallies: UsageTally[]): void {
    for (const t of tallies) {
      const id = `${t.minute}|${t.deploymentId}|${t.userId}|${t.apiKeyId ?? ''}`;
      const now = this.pending.get(id);
      if (!now) {
        this.pending.set(id, t);
        continue;
      }
      now.requests += t.requests;
      now.rows += t.rows;
      now.errors += t.errors;
      now.computeMs += t.computeMs;
      addCounts(now.latencyCounts, t.latencyCounts);
      addCounts(now.batchSizeCounts, t.batchSizeCounts);
    }
    const excess = this.pending.size - this.options.maxPendingRows;
    if (excess > 0) {
      const oldest = [...this.pending.entries()].sort(([, a], [, b]) => a.minute - b.minute).slice(0, excess);
      let requests = 0;
      for (const [id, t] of oldest) {
        this.pending.delete(id);
        requests += t.requests;
      }
      this.log.error({ tallies: excess, requests }, 'usage dropped: the database has not taken it for too long');
    }
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
