/**
 * Tallies kept in memory per key and written in batches — on a timer, on `flush()` and on stop —
 * by an upsert that adds each to what every hub wrote for the same key, so figures are summed over
 * the hubs sharing a database. The usage meter (quotas/usage-meter.ts), the metrics meter
 * (monitoring/metrics-meter.ts) and the shadow meter (split/shadow-meter.ts) keep theirs here.
 *
 * A write that fails keeps its tallies for the next one (added to what arrived meanwhile), up to
 * `maxPending`; beyond, the oldest are dropped and the loss is logged as an error. Nothing here
 * throws to the caller or the timer. Every hub writes in key order, so two hubs' upserts of the
 * same rows wait for each other rather than deadlock.
 */
import type { Logger } from '../logger.js';

export interface TallyKind<T> {
  /** What log lines call these tallies ("usage", "deployment metrics", …). */
  name: string;
  key(tally: T): string;
  /** Adds `from` into `into`, a tally of the same key. */
  add(into: T, from: T): void;
  /** When the tally's period started (epoch ms): the oldest go first when too many wait. */
  startedAt(tally: T): number;
  /** The requests a tally counts (said when tallies are dropped). */
  requests(tally: T): number;
  /** Adds the tallies to their rows, one statement. */
  upsert(tallies: T[]): Promise<void>;
}

export interface PendingTalliesOptions {
  /** How often pending tallies are written. */
  flushIntervalMs: number;
  /** Tallies kept while the database cannot take them; beyond, the oldest are dropped. */
  maxPending: number;
  /** Tallies per upsert statement. */
  chunk?: number;
}

export class PendingTallies<T> {
  private pending = new Map<string, T>();
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly kind: TallyKind<T>,
    private readonly log: Logger,
    private readonly options: PendingTalliesOptions,
  ) {}

  /** The pending tally of `key`, made by `create` when there is none yet. */
  tally(key: string, create: () => T): T {
    let tally = this.pending.get(key);
    if (!tally) this.pending.set(key, (tally = create()));
    return tally;
  }

  /**
   * Writes what is pending; resolves once everything recorded before the call was written (or the
   * write failed and was logged). Concurrent calls share the writes.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    this.flushing = this.write().finally(() => (this.flushing = null));
    await this.flushing;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    const tallies = [...batch.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
    const chunk = this.options.chunk ?? 2000;
    let written = 0;
    try {
      for (let i = 0; i < tallies.length; i += chunk) {
        await this.kind.upsert(tallies.slice(i, i + chunk));
        written = i + chunk;
      }
    } catch (error) {
      const kept = tallies.slice(written);
      this.log.warn({ err: error, tallies: kept.length }, `${this.kind.name} could not be written; kept for the next flush`);
      this.keep(kept);
    }
  }

  /** Puts unwritten tallies back (added to what arrived meanwhile), dropping the oldest beyond the bound. */
  private keep(tallies: T[]): void {
    for (const t of tallies) {
      const key = this.kind.key(t);
      const now = this.pending.get(key);
      if (now) this.kind.add(now, t);
      else this.pending.set(key, t);
    }
    const excess = this.pending.size - this.options.maxPending;
    if (excess <= 0) return;
    const oldest = [...this.pending.entries()].sort(([, a], [, b]) => this.kind.startedAt(a) - this.kind.startedAt(b)).slice(0, excess);
    let requests = 0;
    for (const [key, t] of oldest) {
      this.pending.delete(key);
      requests += this.kind.requests(t);
    }
    this.log.error({ tallies: excess, requests }, `${this.kind.name} dropped: the database has not taken it for too long`);
  }
}
