/**
 * The predictive planner's decision for one deployment (docs/autoscaling.md, "The floor"): the
 * replicas its forecast needs over the coming `leadMs` — the measured replica start time plus the
 * time to the planner's next run — so that replicas asked for now are ready when the rise comes.
 * The autoscaler keeps at least that many (kpa.ts `Bounds.floor`) and adds more reactively.
 *
 *   floor = ⌈ highest forecast rate (req/s) in [now, now + leadMs] × seconds in flight per request ÷ target ⌉
 *
 * Seconds in flight per request (Little's law: concurrency = rate × time in flight) is measured from
 * the deployment's recent concurrency samples. A pure function, tested on a driven clock.
 */
import { forecastAt, type ForecastModel } from './forecast.js';

export interface PlanInput {
  /** The fitted forecast; null: too little history. */
  model: ForecastModel | null;
  /** Days of history the planner needs; said in the reason when it has too little. */
  minHistoryDays: number;
  /** Whole days of history it has (said when too little). */
  historyDays: number;
  now: number;
  /** How far ahead replicas must be asked for: replica start time + planner interval. */
  leadMs: number;
  /** Mean seconds a request is in flight, recently; null when none was seen. */
  secondsInFlight: number | null;
  targetConcurrency: number;
  maxReplicas: number;
}

export interface PlanDecision {
  floor: number;
  /** Highest forecast request rate within the lead. */
  expectedRate: number;
  reason: string;
}

const fmt = (n: number) => (Math.round(n * 100) / 100).toString();

export function planFloor(p: PlanInput): PlanDecision {
  if (!p.model) {
    return { floor: 0, expectedRate: 0, reason: `reactive only: ${p.historyDays} day(s) of request history, the forecast needs ${p.minHistoryDays}` };
  }
  let expectedRate = 0;
  for (let t = p.now; t <= p.now + p.leadMs; t += p.model.slotMs) expectedRate = Math.max(expectedRate, forecastAt(p.model, t).value);
  expectedRate = Math.max(expectedRate, forecastAt(p.model, p.now + p.leadMs).value);
  if (p.secondsInFlight === null || !(p.secondsInFlight > 0)) {
    return { floor: 0, expectedRate, reason: `reactive only: no recent request to measure time in flight (forecast ${fmt(expectedRate)} req/s)` };
  }
  const wanted = Math.max(0, Math.ceil((expectedRate * p.secondsInFlight) / p.targetConcurrency - 1e-9));
  const floor = Math.min(wanted, p.maxReplicas);
  const lead = Math.round(p.leadMs / 1000);
  return {
    floor,
    expectedRate,
    reason: `forecast up to ${fmt(expectedRate)} req/s within ${lead} s × ${fmt(p.secondsInFlight)} s in flight ÷ ${fmt(p.targetConcurrency)} per replica: ${wanted}${wanted > floor ? ` (capped at maxReplicas ${floor})` : ''}`,
  };
}
