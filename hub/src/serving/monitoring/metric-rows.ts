/**
 * Rows of `serving_metrics` into points: counters and histograms add up, gauges average over
 * their samples. Used by the query (any step) and by the live points (one finest bucket).
 */
import { BATCH_SIZE_BOUNDS, addCounts, latencyQuantile } from '../quotas/histogram.js';
import { MetricsBreakdown, type MetricsPoint } from './metrics-point.js';

export interface MetricRow {
  bucket: Date;
  deployment_id: string;
  version: number;
  replica: string;
  requests: string | number;
  errors: string | number;
  error_codes: Record<string, string | number> | null;
  rows: string | number;
  latency_counts: (string | number)[] | null;
  batch_size_counts: (string | number)[] | null;
  queue_sum: number;
  in_flight_sum: number;
  cpu_sum: number;
  memory_sum: number;
  replica_samples: number;
  ready_sum: number;
  wanted_sum: number;
  deployment_samples: number;
}

/** The columns to select for a MetricRow. */
export const METRIC_COLUMNS = `bucket, deployment_id, version, replica, requests, errors, error_codes, rows, latency_counts, batch_size_counts,
  queue_sum, in_flight_sum, cpu_sum, memory_sum, replica_samples, ready_sum, wanted_sum, deployment_samples`;

interface Acc {
  start: number;
  version: number | null;
  replica: string | null;
  requests: number;
  errors: number;
  codes: Map<string, number>;
  latency: number[];
  batch: number[];
  queue: number;
  inFlight: number;
  cpu: number;
  memory: number;
  replicaSamples: number;
  ready: number;
  wanted: number;
  /** Sampling moments per stored bucket: the most deployment samples of any of its version rows. */
  moments: Map<number, number>;
}

/**
 * Points of `stepMs` (epoch-aligned) split by `by`. With `fill` (from, to), every step of the range
 * gets a point in the DEPLOYMENT breakdown, an empty one where nothing was stored.
 */
export function toPoints(found: readonly MetricRow[], stepMs: number, by: MetricsBreakdown, fill?: { from: number; to: number }): MetricsPoint[] {
  const accs = new Map<string, Acc>();
  const accOf = (start: number, version: number | null, replica: string | null): Acc => {
    const key = `${start}|${version ?? ''}|${replica ?? ''}`;
    let acc = accs.get(key);
    if (!acc) {
      acc = { start, version, replica, requests: 0, errors: 0, codes: new Map(), latency: [], batch: [], queue: 0, inFlight: 0, cpu: 0, memory: 0, replicaSamples: 0, ready: 0, wanted: 0, moments: new Map() };
      accs.set(key, acc);
    }
    return acc;
  };
  if (fill && by === MetricsBreakdown.DEPLOYMENT) {
    for (let t = Math.floor(fill.from / stepMs) * stepMs; t < fill.to; t += stepMs) accOf(t, null, null);
  }
  for (const r of found) {
    const at = new Date(r.bucket).getTime();
    const start = Math.floor(at / stepMs) * stepMs;
    const acc = accOf(start, by === MetricsBreakdown.DEPLOYMENT ? null : r.version, by === MetricsBreakdown.REPLICA ? r.replica || null : null);
    acc.requests += Number(r.requests);
    acc.errors += Number(r.errors);
    for (const [code, n] of Object.entries(r.error_codes ?? {})) acc.codes.set(code, (acc.codes.get(code) ?? 0) + Number(n));
    addCounts(acc.latency, (r.latency_counts ?? []).map(Number));
    addCounts(acc.batch, (r.batch_size_counts ?? []).map(Number));
    acc.queue += r.queue_sum;
    acc.inFlight += r.in_flight_sum;
    acc.cpu += r.cpu_sum;
    acc.memory += r.memory_sum;
    acc.replicaSamples += r.replica_samples;
    acc.ready += r.ready_sum;
    acc.wanted += r.wanted_sum;
    if (r.deployment_samples > 0) acc.moments.set(at, Math.max(acc.moments.get(at) ?? 0, r.deployment_samples));
  }
  return [...accs.values()]
    .sort((a, b) => a.start - b.start || (a.version ?? 0) - (b.version ?? 0) || (a.replica ?? '').localeCompare(b.replica ?? ''))
    .map((a) => point(a, stepMs));
}

function point(a: Acc, stepMs: number): MetricsPoint {
  const moments = [...a.moments.values()].reduce((x, y) => x + y, 0);
  const perReplica = (sum: number) => (a.replicaSamples > 0 ? sum / a.replicaSamples : null);
  const batched = a.batch.reduce((x, y) => x + y, 0);
  const batchRows = a.batch.reduce((sum, count, i) => sum + count * (BATCH_SIZE_BOUNDS[i] ?? 0), 0);
  return {
    start: new Date(a.start),
    version: a.version,
    replica: a.replica,
    requests: a.requests,
    requestsPerSecond: a.requests / (stepMs / 1000),
    errors: a.errors,
    errorRate: a.requests === 0 ? 0 : a.errors / a.requests,
    errorsByStatus: [...a.codes.entries()].filter(([, n]) => n > 0).sort(([x], [y]) => x.localeCompare(y)).map(([status, count]) => ({ status, count })),
    p50Ms: latencyQuantile(a.latency, 0.5),
    p95Ms: latencyQuantile(a.latency, 0.95),
    p99Ms: latencyQuantile(a.latency, 0.99),
    // Sizes above 8 are bucketed: each counts as its bucket's largest size.
    meanBatchSize: batched > 0 ? batchRows / batched : null,
    batchSizes: a.batch.flatMap((count, i) => (count > 0 && i < BATCH_SIZE_BOUNDS.length ? [{ size: BATCH_SIZE_BOUNDS[i], count }] : [])),
    queueLength: perReplica(a.queue),
    inFlight: perReplica(a.inFlight),
    replicasReady: moments > 0 ? a.ready / moments : null,
    replicasWanted: moments > 0 ? a.wanted / moments : null,
    cpuLoad: perReplica(a.cpu),
    memoryBytes: perReplica(a.memory),
  };
}
