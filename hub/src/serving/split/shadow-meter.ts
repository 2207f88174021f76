/**
 * The shadow traffic's figures: each copy sent to a shadow variant adds to an in-memory tally per
 * (minute, deployment, shadow version), written every second (and on stop) with one upsert that
 * adds to what other hubs wrote for the same minute in `serving_shadow`; reading sums every hub's
 * rows. As the usage meter (quotas/usage-meter.ts) does for requests: a failed write keeps its
 * tallies for the next one (at most MAX_PENDING; beyond, the oldest are dropped and logged) and
 * never throws to the caller or the timer.
 */
import type { Queryable } from '../../db/rows.js';
import type { Logger } from '../../logger.js';
import { addCounts, LATENCY_BUCKETS, latencyBucket } from '../quotas/histogram.js';

export interface ShadowEntry {
  deploymentId: string;
  /** The shadow variant's version. */
  versionNumber: number;
  /** The shadow failed (or did not answer before the caller's deadline). */
  error: boolean;
  /** Records compared with the caller's answer (0 when either failed) and those that agreed. */
  compared: number;
  agreed: number;
  /** Hub-measured latencies of the shadow's answer and of the caller's; null when that one failed. */
  latencyMs: number | null;
  primaryLatencyMs: number | null;
}

interface Tally {
  minute: number;
  deploymentId: string;
  versionNumber: number;
  requests: number;
  errors: number;
  compared: number;
  agreed: number;
  latencyCounts: number[];
  primaryLatencyCounts: number[];
}

export interface ShadowFigures {
  versionNumber: number;
  requests: number;
  errors: number;
  compared: number;
  agreed: number;
  latencyCounts: number[];
  primaryLatencyCounts: number[];
}

const FLUSH_MS = 1000;
const MAX_PENDING = 10_000;

export class ShadowMeter {
  private pending = new Map<string, Tally>();
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Queryable,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  record(entry: ShadowEntry): void {
    const minute = Math.floor(this.now() / 60_000) * 60_000;
    const id = `${minute}|${entry.deploymentId}|${entry.versionNumber}`;
    let t = this.pending.get(id);
    if (!t) {
      t = {
        minute,
        deploymentId: entry.deploymentId,
        versionNumber: entry.versionNumber,
        requests: 0,
        errors: 0,
        compared: 0,
        agreed: 0,
        latencyCounts: new Array<number>(LATENCY_BUCKETS).fill(0),
        primaryLatencyCounts: new Array<number>(LATENCY_BUCKETS).fill(0),
      };
      this.pending.set(id, t);
    }
    t.requests += 1;
    if (entry.error) t.errors += 1;
    t.compared += entry.compared;
    t.agreed += entry.agreed;
    if (entry.latencyMs !== null) t.latencyCounts[latencyBucket(entry.latencyMs)] += 1;
    if (entry.primaryLatencyMs !== null) t.primaryLatencyCounts[latencyBucket(entry.primaryLatencyMs)] += 1;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** Writes what is pending; resolves once everything recorded before the call was written (or the write failed and was logged). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    this.flushing = this.write().finally(() => (this.flushing = null));
    await this.flushing;
  }

  /** Every hub's figures of the deployment's shadows since `from` (all kept when null), per shadow version. */
  async figures(deploymentId: string, from: Date | null): Promise<ShadowFigures[]> {
    await this.flush();
    const found: any[] = await this.db.query(
      `SELECT version_number, requests, errors, compared, agreed, latency_counts, primary_latency_counts FROM serving_shadow
       WHERE deployment_id = $1 AND ($2::timestamptz IS NULL OR minute >= date_trunc('minute', $2::timestamptz)) ORDER BY version_number`,
      [deploymentId, from],
    );
    const byVersion = new Map<number, ShadowFigures>();
    for (const r of found) {
      const n = Number(r.version_number);
      const f = byVersion.get(n) ?? { versionNumber: n, requests: 0, errors: 0, compared: 0, agreed: 0, latencyCounts: [], primaryLatencyCounts: [] };
      f.requests += Number(r.requests);
      f.errors += Number(r.errors);
      f.compared += Number(r.compared);
      f.agreed += Number(r.agreed);
      addCounts(f.latencyCounts, r.latency_counts);
      addCounts(f.primaryLatencyCounts, r.primary_latency_counts);
      byVersion.set(n, f);
    }
    return [...byVersion.values()];
  }

  /** Deletes figures older than `days` (housekeeping). */
  async prune(days: number): Promise<void> {
    await this.db.query(`DELETE FROM serving_shadow WHERE minute < now() - make_interval(days => $1)`, [days]);
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    // One order on every hub, so two hubs' upserts of the same rows wait rather than deadlock.
    const tallies = [...batch.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
    try {
      await this.upsert(tallies);
    } catch (error) {
      this.log.warn({ err: error, tallies: tallies.length }, 'shadow figures could not be written; kept for the next flush');
      for (const t of tallies) {
        const id = `${t.minute}|${t.deploymentId}|${t.versionNumber}`;
        const now = this.pending.get(id);
        if (!now) this.pending.set(id, t);
        else {
          now.requests += t.requests;
          now.errors += t.errors;
          now.compared += t.compared;
          now.agreed += t.agreed;
          addCounts(now.latencyCounts, t.latencyCounts);
          addCounts(now.primaryLatencyCounts, t.primaryLatencyCounts);
        }
      }
      const excess = this.pending.size - MAX_PENDING;
      if (excess > 0) {
        for (const id of [...this.pending.entries()].sort(([, a], [, b]) => a.minute - b.minute).slice(0, excess).map(([k]) => k)) this.pending.delete(id);
        this.log.error({ tallies: excess }, 'shadow figures dropped: the database has not taken them for too long');
      }
    }
  }

  private async upsert(tallies: Tally[]): Promise<void> {
    // A deployment deleted meanwhile has no row to refer to: its tallies are skipped (the JOIN).
    await this.db.query(
      `INSERT INTO serving_shadow AS s (minute, deployment_id, version_number, requests, errors, compared, agreed, latency_counts, primary_latency_counts)
       SELECT to_timestamp(x.minute / 1000.0), x.deployment_id, x.version_number, x.requests, x.errors, x.compared, x.agreed, x.latency_counts, x.primary_latency_counts
       FROM jsonb_to_recordset($1::jsonb) AS x(minute bigint, deployment_id uuid, version_number integer, requests integer, errors integer, compared bigint, agreed bigint,
         latency_counts integer[], primary_latency_counts integer[])
       JOIN deployments d ON d.id = x.deployment_id
       ON CONFLICT ON CONSTRAINT serving_shadow_key DO UPDATE SET
         requests = s.requests + EXCLUDED.requests,
         errors = s.errors + EXCLUDED.errors,
         compared = s.compared + EXCLUDED.compared,
         agreed = s.agreed + EXCLUDED.agreed,
         latency_counts = ARRAY(SELECT coalesce(a, 0) + coalesce(b, 0) FROM unnest(s.latency_counts, EXCLUDED.latency_counts) WITH ORDINALITY AS h(a, b, i) ORDER BY i),
         primary_latency_counts = ARRAY(SELECT coalesce(a, 0) + coalesce(b, 0) FROM unnest(s.primary_latency_counts, EXCLUDED.primary_latency_counts) WITH ORDINALITY AS h(a, b, i) ORDER BY i)`,
      [
        JSON.stringify(
          tallies.map((t) => ({
            minute: t.minute,
            deployment_id: t.deploymentId,
            version_number: t.versionNumber,
            requests: t.requests,
            errors: t.errors,
            compared: t.compared,
            agreed: t.agreed,
            latency_counts: t.latencyCounts,
            primary_latency_counts: t.primaryLatencyCounts,
          })),
        ),
      ],
    );
  }
}

