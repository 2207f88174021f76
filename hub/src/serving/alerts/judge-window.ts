/**
 * Whether a rule's condition holds over its window: the metric's value (null when the window has
 * too few requests for an error rate or a latency to mean anything), compared with the threshold,
 * or with the band of the deployment's own baseline windows (robust-band.ts). A band that cannot
 * be computed yet (too short a history) leaves the rule undecided: an incident is neither opened
 * nor resolved on it.
 */
import { AlertCondition, AlertMetric } from './alert-words.js';
import { noiseFloor, robustBand, type Band } from './robust-band.js';
import type { WindowFigures, Windows } from './window-figures.js';

export interface RuleCondition {
  metric: AlertMetric;
  condition: AlertCondition;
  threshold: number | null;
  sensitivity: number;
  windowSeconds: number;
  minRequests: number;
}

export interface Measurement {
  windowStart: number;
  windowEnd: number;
  value: number | null;
  requests: number;
  threshold: number | null;
  band: Band | null;
}

export interface Judgement {
  /** true: the condition holds; false: it does not; null: undecided (no band yet). */
  holds: boolean | null;
  measured: Measurement;
}

/** The metric's value over one window; null when it has too few requests to say (rates always say). */
export function valueOf(metric: AlertMetric, w: WindowFigures, minRequests: number): number | null {
  if (metric === AlertMetric.REQUESTS_PER_SECOND) return w.requestsPerSecond;
  if (w.requests < minRequests) return null;
  switch (metric) {
    case AlertMetric.ERROR_RATE:
      return w.errorRate;
    case AlertMetric.P50_LATENCY_MS:
      return w.p50Ms;
    case AlertMetric.P95_LATENCY_MS:
      return w.p95Ms;
    case AlertMetric.P99_LATENCY_MS:
      return w.p99Ms;
  }
}

export function judgeWindow(rule: RuleCondition, windows: Windows): Judgement {
  const { current } = windows;
  const value = valueOf(rule.metric, current, rule.minRequests);
  const measured: Measurement = { windowStart: current.start, windowEnd: current.end, value, requests: current.requests, threshold: null, band: null };
  if (rule.condition !== AlertCondition.ANOMALY) {
    measured.threshold = rule.threshold;
    if (value === null || rule.threshold === null) return { holds: false, measured };
    return { holds: rule.condition === AlertCondition.ABOVE ? value > rule.threshold : value < rule.threshold, measured };
  }
  const kind = rule.metric === AlertMetric.REQUESTS_PER_SECOND ? 'rate' : rule.metric === AlertMetric.ERROR_RATE ? 'errorRate' : 'latency';
  const samples = windows.baseline.map((w) => valueOf(rule.metric, w, rule.minRequests)).filter((v): v is number => v !== null);
  const band = robustBand(samples, rule.sensitivity, noiseFloor(kind, rule.windowSeconds));
  measured.band = band;
  if (!band) return { holds: null, measured };
  if (value === null) return { holds: false, measured };
  // Traffic is anomalous either way (a flood, or callers gone); errors and latency only when worse.
  return { holds: value > band.high || (kind === 'rate' && value < band.low), measured };
}
