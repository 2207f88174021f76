/**
 * The monitoring meter: each metered request adds to an in-memory tally per (finest-tier bucket,
 * deployment, model version, replica), and the tallies are written every second (and on stop)
 * with one upsert into `serving_metrics`, adding to what other hubs wrote for the same bucket. It
 * also counts the request on /metrics, under labels bounded by {@link DeploymentLabels}.
 *
 * Like the usage meter (quotas/usage-meter.ts), a write that fails keeps its tallies for the next
 * one (up to `maxPendingRows`, then the oldest buckets are dropped and logged), and nothing here
 * throws to the request or the timer (../pending-tallies.ts).
 */
import type { Queryable } from '../../db/rows.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import type { Metering, UsageEntry } from '../admission.js';
import { PendingTallies } from '../pending-tallies.js';
import type { Clock } from '../quotas/clock.js';
import { addCounts, BATCH_SIZE_BUCKETS, batchSizeBucket, LATENCY_BUCKETS, latencyBucket } from '../quotas/histogram.js';
import type { DeploymentLabels } from './deployment-labels.js';

interface Tally {
  bucket: number;
  deploymentId: string;
  version: number;
  replica: string;
  requests: number;
  errors: number;
  errorCodes: Record<string, number>;
  rows: number;
  latencyCounts: number[];
  batchSizeCounts: number[];
}

const keyOf = (t: Pick<Tally, 'bucket' | 'deploymentId' | 'version' | 'replica'>) => `${t.bucket}|${t.deploymentId}|${t.version}|${t.replica}`;

export class MetricsMeter implements Metering {
  private readonly pending: PendingTallies<Tally>;

  constructor(
    private readonly db: Queryable,
    log: Logger,
    private readonly clock: Clock,
    /** The finest tier's resolution: the buckets written here. */
    private readonly resolutionSeconds: number,
    private readonly metrics: Pick<Metrics, 'deploymentRequests' | 'deploymentLatency'>,
    private readonly labels: DeploymentLabels,
    options = { flushIntervalMs: 1000, maxPendingRows: 100_000 },
  ) {
    this.pending = new PendingTallies<Tally>(
      {
        name: 'deployment metrics',
        key: keyOf,
        add(now, t) {
          now.requests += t.requests;
          now.errors += t.errors;
          now.rows += t.rows;
          for (const [code, n] of Object.entries(t.errorCodes)) now.errorCodes[code] = (now.errorCodes[code] ?? 0) + n;
          addCounts(now.latencyCounts, t.latencyCounts);
          addCounts(now.batchSizeCounts, t.batchSizeCounts);
        },
        startedAt: (t) => t.bucket,
        requests: (t) => t.requests,
        upsert: (tallies) => this.upsert(tallies),
      },
      log,
      { flushIntervalMs: options.flushIntervalMs, maxPending: options.maxPendingRows },
    );
  }

  record(entry: UsageEntry): void {
    const version = entry.versionNumber ?? 0;
    const status = entry.error ? (entry.status ?? 'INTERNAL') : 'ok';
    const label = this.labels.of(entry.deployment ?? entry.deploymentId, version);
    this.metrics.deploymentRequests.inc({ ...label, status });
    if (Number.isFinite(entry.latencyMs)) this.metrics.deploymentLatency.observe(label, Math.max(0, entry.latencyMs) / 1000);

    const step = this.resolutionSeconds * 1000;
    const bucket = Math.floor(this.clock.now() / step) * step;
    const replica = entry.replicaId ?? '';
    const id = keyOf({ bucket, deploymentId: entry.deploymentId, version, replica });
    const tally = this.pending.tally(id, () => emptyTally(bucket, entry.deploymentId, version, replica));
    tally.requests += 1;
    tally.rows += Math.max(0, Math.floor(entry.rows) || 0);
    if (entry.error) {
      tally.errors += 1;
      tally.errorCodes[status] = (tally.errorCodes[status] ?? 0) + 1;
    }
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

  stop(): Promise<void> {
    return this.pending.stop();
  }

  private async upsert(tallies: Tally[]): Promise<void> {
    await this.db.query(
      `INSERT INTO serving_metrics AS m (resolution, bucket, deployment_id, version, replica, requests, errors, error_codes, rows, latency_counts, batch_size_counts)
       SELECT $2::int, to_timestamp(x.bucket / 1000.0), x.deployment_id, x.version, x.replica, x.requests, x.errors, x.error_codes, x.rows, x.latency_counts, x.batch_size_counts
       FROM jsonb_to_recordset($1::jsonb) AS x(bucket bigint, deployment_id uuid, version integer, replica text, requests bigint, errors bigint,
         error_codes jsonb, rows bigint, latency_counts integer[], batch_size_counts integer[])
       ON CONFLICT ON CONSTRAINT serving_metrics_key DO UPDATE SET ${ADD_COUNTERS}`,
      [
        JSON.stringify(
          tallies.map((t) => ({
            bucket: t.bucket,
            deployment_id: t.deploymentId,
            version: t.version,
            replica: t.replica,
            requests: t.requests,
            errors: t.errors,
            error_codes: t.errorCodes,
            rows: t.rows,
            latency_counts: t.latencyCounts,
            batch_size_counts: t.batchSizeCounts,
          })),
        ),
        this.resolutionSeconds,
      ],
    );
  }
}

/** The SET list of an upsert into `serving_metrics` that adds the counters and histograms of EXCLUDED to the row. */
export const ADD_COUNTERS = `
  requests = m.requests + EXCLUDED.requests,
  errors = m.errors + EXCLUDED.errors,
  error_codes = (SELECT coalesce(jsonb_object_agg(k, n), '{}'::jsonb) FROM (
    SELECT k, sum(v::bigint) AS n FROM (SELECT * FROM jsonb_each_text(m.error_codes) UNION ALL SELECT * FROM jsonb_each_text(EXCLUDED.error_codes)) AS e(k, v) GROUP BY k) AS s),
  rows = m.rows + EXCLUDED.rows,
  latency_counts = ARRAY(SELECT coalesce(a, 0) + coalesce(b, 0) FROM unnest(m.latency_counts, EXCLUDED.latency_counts) WITH ORDINALITY AS h(a, b, i) ORDER BY i),
  batch_size_counts = ARRAY(SELECT coalesce(a, 0) + coalesce(b, 0) FROM unnest(m.batch_size_counts, EXCLUDED.batch_size_counts) WITH ORDINALITY AS h(a, b, i) ORDER BY i)`;

function emptyTally(bucket: number, deploymentId: string, version: number, replica: string): Tally {
  return {
    bucket,
    deploymentId,
    version,
    replica,
    requests: 0,
    errors: 0,
    errorCodes: {},
    rows: 0,
    latencyCounts: new Array<number>(LATENCY_BUCKETS).fill(0),
    batchSizeCounts: new Array<number>(BATCH_SIZE_BUCKETS).fill(0),
  };
}
