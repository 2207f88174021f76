/**
 * The shadow traffic's figures: each copy sent to a shadow variant adds to an in-memory tally per
 * (minute, deployment, shadow version), written every second (and on stop) with one upsert that
 * adds to what other hubs wrote for the same minute in `serving_shadow`; reading sums every hub's
 * rows. As the usage meter (quotas/usage-meter.ts) does for requests: a failed write keeps its
 * tallies for the next one (at most MAX_PENDING; beyond, the oldest are dropped and logged) and
 * never throws to the caller or the timer (../pending-tallies.ts).
 */
import type { Queryable } from '../../db/rows.js';
import type { Logger } from '../../logger.js';
import { PendingTallies } from '../pending-tallies.js';
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

const keyOf = (t: Pick<Tally, 'minute' | 'deploymentId' | 'versionNumber'>) => `${t.minute}|${t.deploymentId}|${t.versionNumber}`;

export class ShadowMeter {
  private readonly pending: PendingTallies<Tally>;

  constructor(
    private readonly db: Queryable,
    log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.pending = new PendingTallies<Tally>(
      {
        name: 'shadow figures',
        key: keyOf,
        add(into, t) {
          into.requests += t.requests;
          into.errors += t.errors;
          into.compared += t.compared;
          into.agreed += t.agreed;
          addCounts(into.latencyCounts, t.latencyCounts);
          addCounts(into.primaryLatencyCounts, t.primaryLatencyCounts);
        },
        startedAt: (t) => t.minute,
        requests: (t) => t.requests,
        upsert: (tallies) => this.upsert(tallies),
      },
      log,
      { flushIntervalMs: FLUSH_MS, maxPending: MAX_PENDING },
    );
  }

  record(entry: ShadowEntry): void {
    const minute = Math.floor(this.now() / 60_000) * 60_000;
    const key = { minute, deploymentId: entry.deploymentId, versionNumber: entry.versionNumber };
    const t = this.pending.tally(keyOf(key), () => ({
      ...key,
      requests: 0,
      errors: 0,
      compared: 0,
      agreed: 0,
      latencyCounts: new Array<number>(LATENCY_BUCKETS).fill(0),
      primaryLatencyCounts: new Array<number>(LATENCY_BUCKETS).fill(0),
    }));
    t.requests += 1;
    if (entry.error) t.errors += 1;
    t.compared += entry.compared;
    t.agreed += entry.agreed;
    if (entry.latencyMs !== null) t.latencyCounts[latencyBucket(entry.latencyMs)] += 1;
    if (entry.primaryLatencyMs !== null) t.primaryLatencyCounts[latencyBucket(entry.primaryLatencyMs)] += 1;
  }

  start(): void {
    this.pending.start();
  }

  stop(): Promise<void> {
    return this.pending.stop();
  }

  /** Writes what is pending; resolves once everything recorded before the call was written (or the write failed and was logged). */
  flush(): Promise<void> {
    return this.pending.flush();
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

