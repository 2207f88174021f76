/**
 * Lookups remembered for a few seconds (recent-callers.ts), so a busy caller costs no database
 * round trip per request and no burst of them when a remembered answer ages out:
 *
 * - one lookup per key at a time: requests that miss while one runs wait for it instead of each
 *   sending their own (64 concurrent clients of one key used to send 64 identical lookups every
 *   time its answer expired). A lookup that fails is not shared: each waiter then asks for itself,
 *   as it would have without waiting, and gets its own error;
 * - an answer in the last {@link REFRESH_AHEAD_MS} of its time is still given while one request
 *   looks it up again in the background, so a steady stream never waits for the lookup. What a
 *   caller sees is never older than `ttlMs`, as without it; a background lookup that fails drops
 *   the answer, so the next request asks (and gets the error) itself;
 * - {@link forgetWhere} also discards the lookups running at that moment: what they read may be
 *   from before the change that made something forget.
 */
export const REFRESH_AHEAD_MS = 1_000;
/** Entries kept at most; the oldest go first. */
const MAX_ENTRIES = 10_000;

interface Entry<V> {
  value: V;
  until: number;
  refreshing: boolean;
}

export class RememberedLookups<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly running = new Map<string, Promise<V>>();
  /** Bumped by every forgetWhere: a lookup started before it does not keep its answer. */
  private epoch = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** The remembered answer for `key`, else `lookup()`'s; `keep` says whether an answer may be remembered. */
  get(key: string, lookup: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
    const entry = this.entries.get(key);
    if (entry) {
      const left = entry.until - this.now();
      if (left > 0) {
        if (left <= REFRESH_AHEAD_MS && !entry.refreshing) this.refresh(key, entry, lookup, keep);
        return Promise.resolve(entry.value);
      }
      this.entries.delete(key);
    }
    const running = this.running.get(key);
    // A shared lookup that failed is asked again by each waiter (errors carry per-request state).
    if (running) return running.catch(() => lookup());
    return this.start(key, lookup, keep);
  }

  forgetWhere(test: (value: V) => boolean): void {
    this.epoch++;
    this.running.clear();
    for (const [key, entry] of this.entries) if (test(entry.value)) this.entries.delete(key);
  }

  private start(key: string, lookup: () => Promise<V>, keep: (value: V) => boolean): Promise<V> {
    const epoch = this.epoch;
    const looking = lookup().then(
      (value) => {
        if (this.running.get(key) === looking) this.running.delete(key);
        if (epoch === this.epoch && keep(value)) this.set(key, value);
        return value;
      },
      (error: unknown) => {
        if (this.running.get(key) === looking) this.running.delete(key);
        throw error;
      },
    );
    this.running.set(key, looking);
    return looking;
  }

  private refresh(key: string, entry: Entry<V>, lookup: () => Promise<V>, keep: (value: V) => boolean): void {
    entry.refreshing = true;
    this.start(key, lookup, keep).then(
      (value) => {
        if (!keep(value) && this.entries.get(key) === entry) this.entries.delete(key);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
  }

  private set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: this.now() + this.ttlMs, refreshing: false });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }
}
