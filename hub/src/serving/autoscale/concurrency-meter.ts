/**
 * Counts one hub's demand per deployment: the requests it has in progress (held for a cold start,
 * or sent to a replica) integrated over time, in request-milliseconds, and the requests begun.
 * The autoscaler drains it into `serving_concurrency` on each tick; every hub's samples added up
 * over a window and divided by the window's length are the deployment's average concurrency.
 */
export interface MeterClock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface ConcurrencySample {
  deploymentId: string;
  /** Request-milliseconds in flight since the previous drain. */
  inFlightMs: number;
  /** Requests begun since the previous drain. */
  requests: number;
}

interface Tally {
  inFlight: number;
  /** When inFlight last changed (or the tally was drained). */
  since: number;
  inFlightMs: number;
  requests: number;
}

export class ConcurrencyMeter {
  private readonly tallies = new Map<string, Tally>();

  constructor(private readonly clock: MeterClock = { now: () => Date.now() }) {}

  /** A request of the deployment begins; call the returned function once it ends. */
  begin(deploymentId: string): () => void {
    const now = this.clock.now();
    const tally = this.tallies.get(deploymentId) ?? { inFlight: 0, since: now, inFlightMs: 0, requests: 0 };
    this.tallies.set(deploymentId, tally);
    this.advance(tally, now);
    tally.inFlight++;
    tally.requests++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.advance(tally, this.clock.now());
      tally.inFlight--;
    };
  }

  /** Requests of the deployment in progress on this hub now. */
  inFlight(deploymentId: string): number {
    return this.tallies.get(deploymentId)?.inFlight ?? 0;
  }

  /** The samples since the previous drain, for deployments with any demand in them. */
  drain(): ConcurrencySample[] {
    const now = this.clock.now();
    const out: ConcurrencySample[] = [];
    for (const [deploymentId, tally] of this.tallies) {
      this.advance(tally, now);
      if (tally.inFlightMs > 0 || tally.requests > 0) out.push({ deploymentId, inFlightMs: tally.inFlightMs, requests: tally.requests });
      tally.inFlightMs = 0;
      tally.requests = 0;
      if (tally.inFlight === 0) this.tallies.delete(deploymentId);
    }
    return out;
  }

  private advance(tally: Tally, now: number): void {
    if (now > tally.since) tally.inFlightMs += tally.inFlight * (now - tally.since);
    tally.since = now;
  }
}
