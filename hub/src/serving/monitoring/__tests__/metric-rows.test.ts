import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS, latencyBucket } from '../../quotas/histogram.js';
import { DeploymentLabels } from '../deployment-labels.js';
import { toPoints, type MetricRow } from '../metric-rows.js';
import { MetricsBreakdown } from '../metrics-point.js';

const T0 = Date.parse('2026-06-01T12:00:00Z');

function row(at: number, fields: Partial<MetricRow>): MetricRow {
  return {
    bucket: new Date(at),
    deployment_id: 'd',
    version: 1,
    replica: '',
    requests: 0,
    errors: 0,
    error_codes: {},
    rows: 0,
    latency_counts: [],
    batch_size_counts: [],
    queue_sum: 0,
    in_flight_sum: 0,
    cpu_sum: 0,
    memory_sum: 0,
    replica_samples: 0,
    ready_sum: 0,
    wanted_sum: 0,
    deployment_samples: 0,
    ...fields,
  };
}

function latency(...ms: number[]): number[] {
  const counts = new Array<number>(LATENCY_BUCKETS).fill(0);
  for (const m of ms) counts[latencyBucket(m)] += 1;
  return counts;
}

describe('Metrics points from stored rows', () => {
  it('adds counters, histograms and error codes over the step, and splits them by version and replica when asked', () => {
    const rows = [
      row(T0, { replica: 'r1', requests: '3', latency_counts: latency(4, 4, 40), batch_size_counts: [0, 0, 3] }),
      row(T0 + 10_000, { replica: 'r1', requests: 2, latency_counts: latency(4, 4) }),
      row(T0 + 10_000, { requests: 1, errors: 1, error_codes: { INTERNAL: '1' }, latency_counts: latency(1) }),
      row(T0 + 20_000, { version: 2, replica: 'r2', requests: 4, errors: 1, error_codes: { INTERNAL: 1 }, latency_counts: latency(4, 4, 4, 4) }),
    ];
    const [all] = toPoints(rows, 60_000, MetricsBreakdown.DEPLOYMENT);
    expect(all).toMatchObject({ start: new Date(T0), version: null, replica: null, requests: 10, errors: 2, errorRate: 0.2, errorsByStatus: [{ status: 'INTERNAL', count: 2 }] });
    expect(all.requestsPerSecond).toBeCloseTo(10 / 60);
    expect(all.p50Ms).toBeGreaterThan(3);
    expect(all.p50Ms).toBeLessThanOrEqual(5);
    expect(all.p99Ms).toBeGreaterThan(30);
    expect(all.meanBatchSize).toBe(3);

    const byVersion = toPoints(rows, 60_000, MetricsBreakdown.VERSION);
    expect(byVersion.map((p) => [p.version, p.requests, p.errors])).toEqual([
      [1, 6, 1],
      [2, 4, 1],
    ]);
    const byReplica = toPoints(rows, 60_000, MetricsBreakdown.REPLICA);
    expect(byReplica.map((p) => [p.version, p.replica, p.requests])).toEqual([
      [1, null, 1],
      [1, 'r1', 5],
      [2, 'r2', 4],
    ]);
  });

  it('averages gauges over their samples: per replica for queues, CPU and memory, per sampled moment for replica counts', () => {
    const rows = [
      // Two moments; at each, two version rows (a rolling update) and the replicas.
      row(T0, { version: 1, ready_sum: 2, wanted_sum: 0, deployment_samples: 1 }),
      row(T0, { version: 2, ready_sum: 1, wanted_sum: 3, deployment_samples: 1 }),
      row(T0, { version: 1, replica: 'a', queue_sum: 4, cpu_sum: 0.5, memory_sum: 1000, replica_samples: 1 }),
      row(T0, { version: 2, replica: 'b', queue_sum: 0, cpu_sum: 0.1, memory_sum: 3000, replica_samples: 1 }),
      row(T0 + 10_000, { version: 2, ready_sum: 3, wanted_sum: 3, deployment_samples: 1 }),
      row(T0 + 10_000, { version: 2, replica: 'b', queue_sum: 2, cpu_sum: 0.3, memory_sum: 2000, replica_samples: 1 }),
    ];
    const [p] = toPoints(rows, 60_000, MetricsBreakdown.DEPLOYMENT);
    expect(p.replicasReady).toBe(3); // (2 + 1 + 3) over 2 moments
    expect(p.replicasWanted).toBe(3);
    expect(p.queueLength).toBe(2);
    expect(p.cpuLoad).toBeCloseTo(0.3);
    expect(p.memoryBytes).toBe(2000);
  });

  it('gives every step of the range a point in the DEPLOYMENT breakdown, empty where nothing was stored', () => {
    const points = toPoints([row(T0 + 20_000, { requests: 1, latency_counts: latency(2) })], 10_000, MetricsBreakdown.DEPLOYMENT, { from: T0 + 3_000, to: T0 + 40_000 });
    expect(points.map((p) => [p.start.getTime() - T0, p.requests, p.p50Ms, p.replicasReady])).toEqual([
      [0, 0, null, null],
      [10_000, 0, null, null],
      [20_000, 1, expect.any(Number), null],
      [30_000, 0, null, null],
    ]);
  });
});

describe('Deployment labels on /metrics', () => {
  it('keeps the first pairs it sees and counts any further one as other', () => {
    const labels = new DeploymentLabels(2);
    expect(labels.of('a/x', 1)).toEqual({ deployment: 'a/x', version: '1' });
    expect(labels.of('a/x', 2)).toEqual({ deployment: 'a/x', version: '2' });
    expect(labels.of('b/y', 1)).toEqual({ deployment: 'other', version: 'other' });
    expect(labels.of('a/x', 1)).toEqual({ deployment: 'a/x', version: '1' });
  });
});
