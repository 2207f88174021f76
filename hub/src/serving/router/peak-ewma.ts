/**
 * Finagle's peak-EWMA latency estimate (also Linkerd's and Envoy's): a new latency above the
 * estimate replaces it at once (quick to notice a slow replica), one below it is averaged in with
 * a weight that depends on the time since the last one (time constant `decayMs`), and with no news
 * the estimate decays towards zero (a replica left alone is tried again, cautiously).
 */
export class PeakEwma {
  private cost: number;
  private stamp: number;

  constructor(
    private readonly decayMs: number,
    initialMs: number,
    now: number,
  ) {
    this.cost = initialMs;
    this.stamp = now;
  }

  observe(latencyMs: number, now: number): void {
    const w = Math.exp(-Math.max(0, now - this.stamp) / this.decayMs);
    this.cost = latencyMs > this.cost ? latencyMs : this.cost * w + latencyMs * (1 - w);
    this.stamp = now;
  }

  /** The estimate at `now`, in ms. */
  value(now: number): number {
    return this.cost * Math.exp(-Math.max(0, now - this.stamp) / this.decayMs);
  }
}
