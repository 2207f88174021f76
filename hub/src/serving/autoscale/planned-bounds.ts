/**
 * What the planner and capacity sharing tell the autoscaler (docs/autoscaling.md): the floor of
 * the planner's current plan, and the share of the network's replicas a deployment is granted
 * while capacity is short. Both are read from the deployment's row, written by planner.ts and
 * capacity-share.ts on whichever hub ran them.
 */
import type { AutoscalerState, AutoscalingSettings } from './kpa.js';

/** `deployments.planner`: the planner's last plan. */
export interface PlannerState {
  /** Replicas the forecast needs over the lead; 0 when reactive only. */
  floor: number;
  /** Epoch ms after which the floor no longer holds (the planner stopped running). */
  until: number;
  /** Epoch ms it was made. */
  plannedAt: number;
  /** Highest forecast request rate within the lead, req/s. */
  expectedRate: number;
  /** Measured replica start time in seconds (or the configured default), and whether measured. */
  startSeconds: number;
  startMeasured: boolean;
  /** Mean seconds in flight per request, recently; null when none was seen. */
  secondsInFlight: number | null;
  /** Whole days of request history, and the days needed. */
  historyDays: number;
  minHistoryDays: number;
  /** Mean absolute percentage error (0–1) on the held-out last day; null when it could not be scored. */
  heldOutMape: number | null;
  /** Whether a forecast was fitted (enough history). */
  forecasting: boolean;
  reason: string;
}

/** `deployments.capacity_share`: set while capacity sharing holds the deployment below its wish. */
export interface CapacityShare {
  granted: number;
  wish: number;
  /** Replicas the network holds, and every deployment's wishes together. */
  capacity: number;
  wanted: number;
  at: number;
  reason: string;
}

/** The floor the autoscaler keeps: the planner's, while its plan holds and the deployment is predictive. */
export function plannedFloor(planner: PlannerState | null | undefined, settings: AutoscalingSettings, now: number): number {
  if (!planner || settings.predictive === false || !(planner.until > now)) return 0;
  return Math.max(0, Math.floor(planner.floor));
}

/** The decision held to the deployment's share of capacity (never below minReplicas); the wish kept beside it. */
export function heldToShare(next: AutoscalerState, share: CapacityShare | null | undefined, minReplicas: number): AutoscalerState {
  const wish = next.wantedReplicas;
  if (!share) return { ...next, wish };
  const granted = Math.max(share.granted, minReplicas);
  if (wish <= granted) return { ...next, wish };
  return { ...next, wish, wantedReplicas: granted, reason: `${next.reason}; held at ${granted} of ${wish}: ${share.reason}` };
}
