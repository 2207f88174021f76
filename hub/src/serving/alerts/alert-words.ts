/** The words alert rules are made of: metrics, conditions and actions (docs/alerts.md). */
import { registerEnumType } from 'type-graphql';

/** What a rule watches: the deployment's figures over its window, every version and replica together. */
export enum AlertMetric {
  REQUESTS_PER_SECOND = 'requests_per_second',
  ERROR_RATE = 'error_rate',
  P50_LATENCY_MS = 'p50_latency_ms',
  P95_LATENCY_MS = 'p95_latency_ms',
  P99_LATENCY_MS = 'p99_latency_ms',
}
registerEnumType(AlertMetric, { name: 'AlertMetric', description: "A deployment's figure over a window: requests per second, the share of requests that failed, or a latency quantile in ms" });

export enum AlertCondition {
  /** The window's value is above the threshold. */
  ABOVE = 'above',
  /** The window's value is below the threshold. */
  BELOW = 'below',
  /** The window's value is outside the band of the deployment's own baseline (robust-band.ts): requests either way, errors and latency above. */
  ANOMALY = 'anomaly',
}
registerEnumType(AlertCondition, { name: 'AlertCondition', description: 'ABOVE or BELOW a threshold, or ANOMALY: outside the band of the deployment’s own trailing baseline (median ± sensitivity × scaled MAD)' });

export enum AlertAction {
  NONE = 'none',
  /** Raise minReplicas by one, within maxReplicas. */
  SCALE_UP = 'scale_up',
  /** Stop the replica with the worst error rate (then p99) over the window; the reconciler places a replacement. */
  EJECT_REPLICA = 'eject_replica',
  /** Hold the API key that sent most of the window's requests to the baseline's rate on this deployment for a while. */
  THROTTLE_KEY = 'throttle_key',
  /** Send every request of a split deployment to its primary version (the canaries' weight to 0). */
  ROLL_BACK_CANARY = 'roll_back_canary',
}
registerEnumType(AlertAction, { name: 'AlertAction', description: 'What opening an incident does besides telling the deployment’s followers' });
