/**
 * A deployment's figures over a rule's window and over the trailing baseline windows before it,
 * read from the finest tier of its stored series (monitoring/, every version and replica
 * together). Windows end at `end` and are laid back to back before it, so each baseline window is
 * as long as the one judged and its figures compare directly.
 */
import { rows, type Queryable } from '../../db/rows.js';
import { METRIC_COLUMNS, toPoints, type MetricRow } from '../monitoring/metric-rows.js';
import { MetricsBreakdown, type MetricsPoint } from '../monitoring/metrics-point.js';

export interface WindowFigures {
  start: number;
  end: number;
  requests: number;
  requestsPerSecond: number;
  errorRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface ReadWindows {
  deploymentId: string;
  /** The finest tier's resolution, seconds. */
  resolutionSeconds: number;
  windowSeconds: number;
  /** Minutes of baseline windows before the judged one (0: none). */
  baselineMinutes: number;
  /** Epoch ms, on the finest tier's grid: the judged window is [end - window, end). */
  end: number;
  /** Baseline windows starting before this (the deployment's creation) are left out. */
  notBefore: number;
}

export interface Windows {
  current: WindowFigures;
  /** Oldest first. */
  baseline: WindowFigures[];
}

export async function readWindows(db: Queryable, r: ReadWindows): Promise<Windows> {
  const windowMs = r.windowSeconds * 1000;
  const count = Math.floor((r.baselineMinutes * 60) / r.windowSeconds);
  const from = r.end - (count + 1) * windowMs;
  const found = rows<MetricRow>(
    await db.query(`SELECT ${METRIC_COLUMNS} FROM serving_metrics WHERE deployment_id = $1 AND resolution = $2 AND bucket >= $3 AND bucket < $4`, [
      r.deploymentId,
      r.resolutionSeconds,
      new Date(from),
      new Date(r.end),
    ]),
  );
  // toPoints lays steps from the epoch: shift every bucket so the windows end exactly at `end`.
  const shift = ((r.end % windowMs) + windowMs) % windowMs;
  const shifted = found.map((row) => ({ ...row, bucket: new Date(new Date(row.bucket).getTime() - shift) }));
  const points = toPoints(shifted, windowMs, MetricsBreakdown.DEPLOYMENT, { from: from - shift, to: r.end - shift });
  const figures = points.map((p) => figuresOf(p, shift, windowMs));
  const current = figures.find((f) => f.start === r.end - windowMs) ?? quiet(r.end - windowMs, r.end);
  return { current, baseline: figures.filter((f) => f.start < current.start && f.start >= r.notBefore) };
}

function figuresOf(p: MetricsPoint, shift: number, windowMs: number): WindowFigures {
  const start = new Date(p.start).getTime() + shift;
  return { start, end: start + windowMs, requests: p.requests, requestsPerSecond: p.requestsPerSecond, errorRate: p.errorRate, p50Ms: p.p50Ms, p95Ms: p.p95Ms, p99Ms: p.p99Ms };
}

/** A window without any stored point: no request. */
function quiet(start: number, end: number): WindowFigures {
  return { start, end, requests: 0, requestsPerSecond: 0, errorRate: 0, p50Ms: null, p95Ms: null, p99Ms: null };
}
