/**
 * A deployment's autoscaling simulated second by second on a driven clock (docs/autoscaling.md,
 * "Simulation"): the real KPA decision (kpa.ts) every autoscaler tick, the real forecaster and
 * planner floor (forecast.ts, plan-floor.ts) every planner run, replicas that take `startMs` to
 * become ready, and a request rate given as a function of time. It is how the tests and the
 * benchmark compare predictive + reactive scaling with reactive only, days in milliseconds.
 *
 * The traffic is fluid: each second `rate(t)` requests arrive, each in flight `secondsInFlight`
 * (concurrency = rate × secondsInFlight, Little's law). A ready replica serves at most
 * `replicaCapacity` requests at once; the share of a second's requests beyond the ready replicas'
 * capacity waits (it is counted as delayed), and with no ready replica every request waits.
 */
import { fitForecast, heldOutMape, DAY_MS, type ForecastModel } from './forecast.js';
import { decide, initialState, type AutoscalingSettings } from './kpa.js';
import { planFloor } from './plan-floor.js';

export interface SimulationOptions {
  /** Requests per second at epoch ms t. */
  rate: (t: number) => number;
  /** Epoch ms the simulation starts (a UTC midnight) and how long it runs. */
  startMs: number;
  durationMs: number;
  settings: AutoscalingSettings;
  minReplicas: number;
  maxReplicas: number;
  secondsInFlight: number;
  replicaCapacity: number;
  startMs_replica: number;
  tickMs: number;
  predictive: boolean;
  plannerEveryMs: number;
  slotMs: number;
  minHistoryDays: number;
  /** Only what happens from this epoch ms on is counted (earlier days build the history). */
  measureFromMs: number;
  /** When a load step begins: the result says how long until enough replicas were ready for it. */
  stepAtMs?: number;
}

export interface SimulationResult {
  /** Replica-minutes of every replica placed (starting or ready) from measureFromMs on. */
  replicaMinutes: number;
  requests: number;
  /** Requests that waited for capacity (or for a first replica). */
  delayed: number;
  /** Requests per second in each slot, the whole run (the history the planner read). */
  slots: number[];
  /** The last fitted forecast model (null: never enough history). */
  model: ForecastModel | null;
  /** Planner runs that left it reactive only for lack of history, and those that planned. */
  reactiveOnlyRuns: number;
  plannedRuns: number;
  /** Ready replicas and demand in replicas (concurrency ÷ target) per minute, measured part. */
  timeline: { t: number; ready: number; needed: number; floor: number }[];
  /** Ms from `stepAtMs` until the ready replicas at the target covered the demand; null: never, or no step. */
  enoughAfterStepMs: number | null;
}

export function simulate(o: SimulationOptions): SimulationResult {
  const stableS = o.settings.stableWindowSeconds;
  const panicS = o.settings.panicWindowSeconds;
  const seconds = Math.floor(o.durationMs / 1000);
  // Prefix sums of concurrency per second, for the windows' averages.
  const prefix = new Float64Array(seconds + 1);
  const slotsPerRun = Math.ceil(o.durationMs / o.slotMs);
  const slotSums = new Array<number>(slotsPerRun).fill(0);
  let state = initialState(Math.max(o.minReplicas, 1), o.startMs);
  let replicas: number[] = Array.from({ length: state.wantedReplicas }, () => o.startMs); // readyAt of each
  let floor = 0;
  let model: ForecastModel | null = null;
  let replicaMs = 0;
  let requests = 0;
  let delayed = 0;
  let reactiveOnlyRuns = 0;
  let plannedRuns = 0;
  const timeline: SimulationResult['timeline'] = [];
  let enoughAfterStepMs: number | null = null;
  const ticksPerSecond = o.tickMs / 1000;
  const plannerEveryS = Math.round(o.plannerEveryMs / 1000);

  for (let s = 0; s < seconds; s++) {
    const t = o.startMs + s * 1000;
    const rate = Math.max(0, o.rate(t));
    const concurrency = rate * o.secondsInFlight;
    prefix[s + 1] = prefix[s] + concurrency;
    slotSums[Math.floor((s * 1000) / o.slotMs)] += rate;
    const ready = replicas.filter((at) => at <= t).length;
    const capacity = ready * o.replicaCapacity;
    const waiting = concurrency <= 0 ? 0 : ready === 0 ? rate : rate * Math.max(0, 1 - capacity / concurrency);
    if (o.stepAtMs !== undefined && enoughAfterStepMs === null && t > o.stepAtMs && ready * o.settings.targetConcurrency >= concurrency) enoughAfterStepMs = t - o.stepAtMs;
    const measured = t >= o.measureFromMs;
    if (measured) {
      requests += rate;
      delayed += waiting;
      replicaMs += replicas.length * 1000;
      if (s % 60 === 0) timeline.push({ t, ready, needed: concurrency / o.settings.targetConcurrency, floor });
    }

    if (o.predictive && s % plannerEveryS === 0) {
      const doneSlots = Math.floor((s * 1000) / o.slotMs);
      const values = slotSums.slice(0, doneSlots).map((sum) => sum / (o.slotMs / 1000));
      model = fitForecast({ startMs: o.startMs, slotMs: o.slotMs, values }, o.minHistoryDays);
      const plan = planFloor({
        model,
        minHistoryDays: o.minHistoryDays,
        historyDays: Math.floor((s * 1000) / DAY_MS),
        now: t,
        leadMs: o.startMs_replica + o.plannerEveryMs,
        secondsInFlight: o.secondsInFlight,
        targetConcurrency: o.settings.targetConcurrency,
        maxReplicas: o.maxReplicas,
      });
      floor = plan.floor;
      if (model) plannedRuns++;
      else reactiveOnlyRuns++;
    }

    if (s % ticksPerSecond === 0 && s > 0) {
      const sw = Math.min(stableS, s + 1);
      const pw = Math.min(panicS, s + 1);
      const stable = (prefix[s + 1] - prefix[s + 1 - sw]) / stableS;
      const panic = (prefix[s + 1] - prefix[s + 1 - pw]) / panicS;
      state = decide(o.settings, { minReplicas: o.minReplicas, maxReplicas: o.maxReplicas, floor }, { stableConcurrency: stable, panicConcurrency: panic, lastActiveAt: rate > 0 ? t : null, readyReplicas: ready }, state, t);
      const wanted = state.wantedReplicas;
      if (wanted > replicas.length) replicas = [...replicas, ...Array.from({ length: wanted - replicas.length }, () => t + o.startMs_replica)];
      else if (wanted < replicas.length) replicas = [...replicas].sort((a, b) => a - b).slice(0, wanted); // the newest (still starting) stop first
    }
  }
  const slots = slotSums.map((sum) => sum / (o.slotMs / 1000));
  return { replicaMinutes: replicaMs / 60_000, requests, delayed, slots, model, reactiveOnlyRuns, plannedRuns, timeline, enoughAfterStepMs };
}

/** The forecaster's MAPE on the held-out last day of a simulation's slots. */
export function simulatedHeldOutMape(result: SimulationResult, startMs: number, slotMs: number, minHistoryDays: number): number | null {
  return heldOutMape({ startMs, slotMs, values: result.slots }, minHistoryDays);
}
