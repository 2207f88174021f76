/**
 * What this hub measured of one replica: the requests it has outstanding there, its peak-EWMA
 * latency (for picking), its mean latency and consecutive failures (for outlier ejection), and
 * whether it is ejected. Measured by this hub only: other hubs keep their own.
 */
import { PeakEwma } from './peak-ewma.js';

/** Finagle's default decay time. */
export const DECAY_MS = 10_000;
/** Latency below this is noise next to a hop between processes: it keeps outstanding requests counting. */
const LATENCY_FLOOR_MS = 1;
/** Weight of a new sample in the mean latency outlier detection compares. */
const MEAN_WEIGHT = 0.2;
/** Weight of a new gap between answers in the drain time. */
const DRAIN_WEIGHT = 0.1;

export class ReplicaState {
  /** Request id → when it was sent (insertion order: the first is the oldest). */
  readonly outstanding = new Map<string, number>();
  readonly latency: PeakEwma;
  meanMs = 0;
  samples = 0;
  consecutiveFailures = 0;
  ejections = 0;
  ejectedUntil = 0;
  lastEjectedAt = 0;
  /** EWMA of the time between answers while requests stayed outstanding: how fast it works off its queue. */
  private drainMs: number | undefined;
  /** The last answer, while the replica has been busy since (undefined when it went idle). */
  private lastAnswerAt: number | undefined;

  constructor(
    readonly jobId: string,
    readonly deploymentId: string,
    initialLatencyMs: number,
    now: number,
  ) {
    this.latency = new PeakEwma(DECAY_MS, initialLatencyMs, now);
  }

  /**
   * (outstanding + 1) × latency. The latency is the peak EWMA, or the age of the oldest request
   * still outstanding when that is longer: a replica that stopped answering looks slow before its
   * first late answer arrives.
   */
  load(now: number): number {
    let latency = this.latency.value(now);
    const oldest = this.outstanding.values().next();
    if (!oldest.done) latency = Math.max(latency, now - oldest.value);
    return (this.outstanding.size + 1) * Math.max(latency, LATENCY_FLOOR_MS);
  }

  /** Whether it is out of rotation at `now` (an ejection that ran out ends here). */
  ejected(now: number): boolean {
    if (this.ejectedUntil === 0) return false;
    if (this.ejectedUntil > now) return true;
    this.ejectedUntil = 0;
    return false;
  }

  /** An answer arrived (its request is no longer outstanding): measures the drain time while busy. */
  answered(now: number): void {
    if (this.lastAnswerAt !== undefined) {
      const gap = now - this.lastAnswerAt;
      this.drainMs = this.drainMs === undefined ? gap : this.drainMs + DRAIN_WEIGHT * (gap - this.drainMs);
    }
    // Idle from here: the next gap would measure the quiet, not the replica.
    this.lastAnswerAt = this.outstanding.size > 0 ? now : undefined;
  }

  /**
   * How long a request sent now would wait behind those outstanding (Little's law): outstanding ×
   * the drain time, or × the measured latency before the replica was ever busy (one request at a
   * time takes that long each). Undefined before anything was measured.
   */
  expectedWaitMs(now: number): number | undefined {
    if (this.outstanding.size === 0) return 0;
    const perRequest = this.drainMs ?? (this.samples > 0 ? this.latency.value(now) : undefined);
    return perRequest === undefined ? undefined : this.outstanding.size * perRequest;
  }

  /** A latency measured on an answer (or on giving up at the deadline). */
  observe(latencyMs: number, now: number): void {
    this.latency.observe(latencyMs, now);
    this.meanMs = this.samples === 0 ? latencyMs : this.meanMs + MEAN_WEIGHT * (latencyMs - this.meanMs);
    this.samples += 1;
  }
}
