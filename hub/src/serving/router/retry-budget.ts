/**
 * A retry budget (Finagle's RetryBudget, Envoy's retry_budget): retries may be at most `percent`
 * of the requests of the last `windowMs`, plus `minPerSecond` a second so a quiet deployment can
 * still retry. When every replica fails, retries stop at the budget instead of doubling the load
 * on whatever still works. Counted in one-second buckets: O(window / bucket) a check.
 */
const BUCKET_MS = 1_000;

export class RetryBudget {
  private readonly starts: number[];
  private readonly requests: number[];
  private readonly retries: number[];

  constructor(
    private readonly percent: number,
    private readonly minPerSecond: number,
    private readonly windowMs = 10_000,
  ) {
    const size = Math.max(1, Math.ceil(windowMs / BUCKET_MS));
    this.starts = new Array<number>(size).fill(-Infinity);
    this.requests = new Array<number>(size).fill(0);
    this.retries = new Array<number>(size).fill(0);
  }

  /** Counts one request (a first attempt). */
  deposit(now: number): void {
    this.requests[this.bucket(now)] += 1;
  }

  /** Whether one more retry fits the budget; if it does, it is counted. */
  tryWithdraw(now: number): boolean {
    this.bucket(now);
    let requests = 0;
    let retries = 0;
    for (let i = 0; i < this.starts.length; i += 1) {
      if (this.starts[i] <= now - this.windowMs) continue;
      requests += this.requests[i];
      retries += this.retries[i];
    }
    const allowed = Math.floor((requests * this.percent) / 100) + Math.floor((this.minPerSecond * this.windowMs) / 1000);
    if (retries >= allowed) return false;
    this.retries[this.bucket(now)] += 1;
    return true;
  }

  private bucket(now: number): number {
    const start = Math.floor(now / BUCKET_MS) * BUCKET_MS;
    const index = Math.floor(now / BUCKET_MS) % this.starts.length;
    if (this.starts[index] !== start) {
      this.starts[index] = start;
      this.requests[index] = 0;
      this.retries[index] = 0;
    }
    return index;
  }
}
