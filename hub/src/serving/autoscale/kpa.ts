/**
 * The autoscaler's decision for one deployment, as Knative's KPA makes it (docs/serving.md,
 * "Autoscaling"): a pure function of the settings, the concurrency observed over the stable and
 * panic windows, the ready replicas and the state carried from the previous decision, at the time
 * `now` it is given — so its window arithmetic is tested on a clock the test drives.
 *
 * - stable: wanted = ceil(average in-flight requests over the stable window / target);
 * - panic: when the panic window's average is at least PANIC_THRESHOLD × the capacity of the ready
 *   replicas (replicas × target), the panic window's figure is used, and the wanted count never
 *   goes down; panic ends once a whole stable window passed without that condition;
 * - scale-down delay: the wanted count is the largest recommendation of the last delay, so a
 *   short lull does not stop replicas;
 * - scale to zero (opt-in): 0 only once no request was seen for `scaleToZeroAfterSeconds`, counted
 *   from the later of the last request and the moment a replica became ready (a cold start whose
 *   caller gave up still finishes, and its replica gets the whole idle period); until then at
 *   least one replica;
 * - bounds: never below max(minReplicas, floor) — `floor` is what a planner may ask for — nor
 *   above maxReplicas.
 */

/** Panic when the short window's demand is at least this many times the ready capacity. */
export const PANIC_THRESHOLD = 2;

export interface AutoscalingSettings {
  /** In-flight requests per replica the autoscaler aims at. */
  targetConcurrency: number;
  stableWindowSeconds: number;
  panicWindowSeconds: number;
  scaleDownDelaySeconds: number;
  /** Idle seconds before scaling to zero; null: never to zero (minReplicas is at least 1). */
  scaleToZeroAfterSeconds: number | null;
  /** The predictive planner may raise the floor (docs/autoscaling.md); absent in rows stored before it: true. */
  predictive?: boolean;
}

/** What the autoscaler carries from one decision to the next (stored in `deployments.autoscaler`). */
export interface AutoscalerState {
  wantedReplicas: number;
  observedConcurrency: number;
  panicConcurrency: number;
  panicking: boolean;
  /** Epoch ms panic began; null when not panicking. */
  panicSince: number | null;
  /** Epoch ms the panic condition last held. */
  lastPanicAt: number | null;
  /** Epoch ms a request was last seen (in flight or answered). */
  lastActiveAt: number;
  /** Epoch ms the deployment went from no ready replica to some; null while none is ready. */
  readySince?: number | null;
  /** Epoch ms the wanted count last changed. */
  lastScaledAt: number | null;
  /** Epoch ms of this decision. */
  decidedAt: number;
  /** Recommendations within the scale-down delay, oldest first. */
  recent: { at: number; wanted: number }[];
  reason: string;
  /** What it wanted before capacity sharing held it back (planner/capacity-share.ts); absent: nothing held back. */
  wish?: number;
}

export interface Observation {
  /** Average in-flight requests (every hub together) over the stable window. */
  stableConcurrency: number;
  /** The same over the panic window. */
  panicConcurrency: number;
  /** Epoch ms of the newest sample with a request in it; null: none in the samples kept. */
  lastActiveAt: number | null;
  /** Replicas ready now. */
  readyReplicas: number;
}

export interface Bounds {
  minReplicas: number;
  maxReplicas: number;
  /** A floor someone else asks for (a planner scaling ahead of demand); 0: none. */
  floor?: number;
}

/** The first state of a deployment whose autoscaling was just turned on. */
export function initialState(wanted: number, now: number): AutoscalerState {
  return {
    wantedReplicas: wanted,
    observedConcurrency: 0,
    panicConcurrency: 0,
    panicking: false,
    panicSince: null,
    lastPanicAt: null,
    lastActiveAt: now,
    readySince: null,
    lastScaledAt: null,
    decidedAt: now,
    recent: [],
    reason: 'autoscaling just turned on',
  };
}

const fmt = (n: number) => (Math.round(n * 100) / 100).toString();

export function decide(settings: AutoscalingSettings, bounds: Bounds, observed: Observation, previous: AutoscalerState, now: number): AutoscalerState {
  const target = settings.targetConcurrency;
  const stableMs = settings.stableWindowSeconds * 1000;
  const stableWant = Math.max(0, Math.ceil(observed.stableConcurrency / target - 1e-9));
  const panicWant = Math.max(0, Math.ceil(observed.panicConcurrency / target - 1e-9));
  const capacity = Math.max(1, observed.readyReplicas) * target;
  const lastActiveAt = Math.max(previous.lastActiveAt, observed.lastActiveAt ?? 0);
  const readySince = observed.readyReplicas > 0 ? (previous.readySince ?? now) : null;

  const overPanic = observed.panicConcurrency > 0 && observed.panicConcurrency >= PANIC_THRESHOLD * capacity;
  let panicSince = previous.panicSince;
  let lastPanicAt = previous.lastPanicAt;
  if (overPanic) {
    panicSince = panicSince ?? now;
    lastPanicAt = now;
  } else if (panicSince !== null && (lastPanicAt === null || now - lastPanicAt >= stableMs)) {
    panicSince = null;
  }
  const panicking = panicSince !== null;

  let wanted: number;
  let reason: string;
  let recent = previous.recent;
  if (panicking) {
    wanted = Math.max(panicWant, previous.wantedReplicas);
    reason = `panic: ${fmt(observed.panicConcurrency)} in flight over the last ${settings.panicWindowSeconds} s is at least ${PANIC_THRESHOLD}× the capacity of ${observed.readyReplicas} ready replica(s) at ${fmt(target)} each; never scaling down while panicking`;
    // A panic's count is held through the scale-down delay that follows it.
    recent = [{ at: now, wanted }];
  } else {
    const delayMs = settings.scaleDownDelaySeconds * 1000;
    recent = [...recent.filter((r) => now - r.at < delayMs), { at: now, wanted: stableWant }];
    const held = Math.max(...recent.map((r) => r.wanted));
    wanted = held;
    reason =
      held > stableWant
        ? `holding ${held} for the scale-down delay (${settings.scaleDownDelaySeconds} s): ${fmt(observed.stableConcurrency)} in flight over the last ${settings.stableWindowSeconds} s wants ${stableWant}`
        : `${fmt(observed.stableConcurrency)} in flight over the last ${settings.stableWindowSeconds} s at ${fmt(target)} per replica`;
  }

  const floor = Math.max(bounds.minReplicas, bounds.floor ?? 0);
  if (wanted === 0 && floor === 0) {
    const idleMs = now - Math.max(lastActiveAt, readySince ?? 0);
    const afterMs = settings.scaleToZeroAfterSeconds === null ? Infinity : settings.scaleToZeroAfterSeconds * 1000;
    const starting = observed.readyReplicas === 0 && previous.wantedReplicas > 0;
    if (panicking || starting || idleMs < afterMs) {
      wanted = 1;
      reason = settings.scaleToZeroAfterSeconds === null ? reason : `no demand; scales to zero after ${settings.scaleToZeroAfterSeconds} s idle (idle for ${Math.floor(idleMs / 1000)} s)`;
    } else {
      reason = `idle for ${Math.floor(idleMs / 1000)} s: scaled to zero; the next request starts a replica`;
    }
  }
  if (wanted < floor) {
    wanted = floor;
    if ((bounds.floor ?? 0) > bounds.minReplicas) reason += `; kept at the planner's floor of ${floor}`;
    else reason += `; kept at minReplicas (${floor})`;
  }
  if (wanted > bounds.maxReplicas) {
    reason += `; capped at maxReplicas (${bounds.maxReplicas}), ${wanted} wanted`;
    wanted = bounds.maxReplicas;
  }
  return {
    wantedReplicas: wanted,
    observedConcurrency: observed.stableConcurrency,
    panicConcurrency: observed.panicConcurrency,
    panicking,
    panicSince,
    lastPanicAt,
    lastActiveAt,
    readySince,
    lastScaledAt: wanted !== previous.wantedReplicas ? now : previous.lastScaledAt,
    decidedAt: now,
    recent,
    reason,
  };
}
