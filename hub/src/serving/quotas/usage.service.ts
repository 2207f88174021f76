/**
 * Reads the meter: `usage(...)` for the key owner and the deployment's owners, and a deployment's
 * last-minute figures (DeploymentStats). Both write this hub's pending tallies first, so a caller
 * who just sent requests sees them; other hubs' tallies are at most a flush interval behind.
 *
 * Who sees what:
 * - a deployment's admins (its owner, the owning organization's owners and admins, platform
 *   admins) see every caller's usage of it, per key;
 * - anyone else sees only their own usage (their API keys and sessions): of one deployment they
 *   may see, or of every deployment when none is named;
 * - a deployment they may not see is NOT_FOUND; an API key that is not theirs (nor used on a
 *   deployment they administer) matches nothing, so the answer is an empty list.
 */
import type { Principal } from '../../accounts/index.js';
import { rows, type Queryable } from '../../db/rows.js';
import { badInput, notFound } from '../../errors.js';
import type { Clock } from './clock.js';
import type { DeploymentStats } from './deployment-stats.js';
import { BATCH_SIZE_BOUNDS, latencyQuantile } from './histogram.js';
import type { UsageDeployments } from './usage-deployments.js';
import type { UsageMeter } from './usage-meter.js';
import { UsageGranularity, type UsagePoint } from './usage-point.js';

export interface UsageArgs {
  /** "owner/name"; none: the caller's own usage of every deployment. */
  deployment?: string | null;
  apiKey?: string | null;
  from: Date;
  to: Date;
  /** Default HOUR. */
  granularity?: UsageGranularity | null;
}

/** Most points one answer may hold (periods in the range, and rows answered). */
export const MAX_USAGE_POINTS = 10_000;

const PERIOD_MS: Record<UsageGranularity, number> = { MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class UsageService {
  constructor(
    private readonly db: Queryable,
    private readonly meter: Pick<UsageMeter, 'flush'>,
    private readonly deployments: UsageDeployments,
    private readonly apiKeyNames: (ids: string[]) => Promise<Map<string, string>>,
    private readonly clock: Clock,
  ) {}

  async usage(viewer: Principal, args: UsageArgs): Promise<UsagePoint[]> {
    const granularity = args.granularity ?? UsageGranularity.HOUR;
    const from = args.from.getTime();
    const to = args.to.getTime();
    if (!Number.isFinite(from)) throw badInput('from', 'must be a date and time');
    if (!Number.isFinite(to)) throw badInput('to', 'must be a date and time');
    if (to <= from) throw badInput('to', 'must be after from');
    if ((to - from) / PERIOD_MS[granularity] > MAX_USAGE_POINTS) {
      throw badInput('to', `the range holds more than ${MAX_USAGE_POINTS} ${granularity.toLowerCase()}s; narrow it or choose a coarser granularity`);
    }
    const params: unknown[] = [granularity.toLowerCase(), args.from, args.to];
    const where = ['minute >= $2', 'minute < $3'];
    if (args.deployment != null) {
      const found = await this.deployments.find(viewer, args.deployment);
      if (!found) throw notFound('Deployment');
      params.push(found.id);
      where.push(`deployment_id = $${params.length}`);
      if (!found.admin) {
        params.push(viewer.user.id);
        where.push(`user_id = $${params.length}`);
      }
    } else {
      params.push(viewer.user.id);
      where.push(`user_id = $${params.length}`);
    }
    if (args.apiKey != null) {
      if (!UUID.test(args.apiKey)) return [];
      params.push(args.apiKey);
      where.push(`api_key_id = $${params.length}`);
    }
    await this.meter.flush();
    const found = rows<{ start: Date; deployment_id: string; api_key_id: string | null; requests: string; rows: string; errors: string; compute_ms: number }>(
      await this.db.query(
        `SELECT date_trunc($1, minute, 'UTC') AS start, deployment_id, api_key_id,
                sum(requests) AS requests, sum(rows) AS rows, sum(errors) AS errors, sum(compute_ms) AS compute_ms
         FROM serving_usage WHERE ${where.join(' AND ')}
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 LIMIT ${MAX_USAGE_POINTS + 1}`,
        params,
      ),
    );
    if (found.length > MAX_USAGE_POINTS) throw badInput('to', `more than ${MAX_USAGE_POINTS} points; narrow the range or choose a coarser granularity`);
    const [deploymentNames, keyNames] = await Promise.all([
      this.deployments.names([...new Set(found.map((r) => r.deployment_id))]),
      this.apiKeyNames([...new Set(found.flatMap((r) => (r.api_key_id ? [r.api_key_id] : [])))]),
    ]);
    return found.map((r) => ({
      start: new Date(r.start),
      deployment: deploymentNames.get(r.deployment_id) ?? null,
      apiKeyId: r.api_key_id,
      apiKeyName: r.api_key_id ? (keyNames.get(r.api_key_id) ?? null) : null,
      requests: Number(r.requests),
      rows: Number(r.rows),
      errors: Number(r.errors),
      computeMs: Number(r.compute_ms),
    }));
  }

  /**
   * The deployment's traffic over the last minute, every hub's: the current minute so far and the
   * one before it, as a rate over the time they cover (60 to 120 s).
   */
  async stats(deploymentId: string): Promise<DeploymentStats> {
    await this.meter.flush();
    const now = this.clock.now();
    const since = Math.floor(now / 60_000) * 60_000 - 60_000;
    const [row] = rows<{ requests: string; errors: string; latency: (number | string)[] | null; batch: (number | string)[] | null }>(
      await this.db.query(
        `WITH w AS (SELECT * FROM serving_usage WHERE deployment_id = $1 AND minute >= $2)
         SELECT (SELECT coalesce(sum(requests), 0) FROM w) AS requests,
                (SELECT coalesce(sum(errors), 0) FROM w) AS errors,
                (SELECT array_agg(c ORDER BY i) FROM (SELECT i, sum(v) AS c FROM w, unnest(w.latency_counts) WITH ORDINALITY AS h(v, i) GROUP BY i) l) AS latency,
                (SELECT array_agg(c ORDER BY i) FROM (SELECT i, sum(v) AS c FROM w, unnest(w.batch_size_counts) WITH ORDINALITY AS h(v, i) GROUP BY i) b) AS batch`,
        [deploymentId, new Date(since)],
      ),
    );
    const requests = Number(row.requests);
    const errors = Number(row.errors);
    const latency = (row.latency ?? []).map(Number);
    const batch = (row.batch ?? []).map(Number);
    return {
      requestsPerSecond: requests / (Math.max(60_000, now - since) / 1000),
      p50Ms: latencyQuantile(latency, 0.5),
      p99Ms: latencyQuantile(latency, 0.99),
      errorRate: requests === 0 ? 0 : errors / requests,
      batchSizes: batch.flatMap((count, i) => (count > 0 && i < BATCH_SIZE_BOUNDS.length ? [{ size: BATCH_SIZE_BOUNDS[i], count }] : [])),
    };
  }
}
