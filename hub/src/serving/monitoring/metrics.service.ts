/**
 * Reads a deployment's metrics over a range (`Deployment.metrics`). The caller reached the
 * deployment through a lookup that checked they may see it (NOT_FOUND otherwise).
 *
 * Which tier answers: among the tiers whose resolution divides the step, the coarsest that still
 * holds `from` (by its retention); when none holds it, the coarsest such tier (what older points
 * remain), and when the step is finer than every tier holding `from`, the finest tier holding it,
 * at its own resolution. What the chosen tier has not rolled up yet (its last minutes or hour) is
 * read from the finer tiers, so the newest points are never missing. A range is at most
 * {@link MAX_METRIC_POINTS} steps.
 */
import type { DataSource } from 'typeorm';
import type { MetricTier } from '../../config.js';
import { rows } from '../../db/rows.js';
import { badInput } from '../../errors.js';
import type { Clock } from '../quotas/clock.js';
import { METRIC_COLUMNS, toPoints, type MetricRow } from './metric-rows.js';
import { MetricsBreakdown, type DeploymentMetrics } from './metrics-point.js';

export const MAX_METRIC_POINTS = 1000;
/** Stored rows one answer may read (steps × stored buckets per step × versions and replicas). */
const MAX_ROWS = 200_000;
/** Points a range gets when no step is asked for. */
const DEFAULT_POINTS = 360;

export interface MetricsArgs {
  from: Date;
  to: Date;
  /** Seconds; a multiple of the finest tier's resolution. Default: about 360 points. */
  step?: number | null;
  by?: MetricsBreakdown | null;
}

export class MetricsService {
  constructor(
    private readonly db: DataSource,
    private readonly tiers: readonly MetricTier[],
    private readonly clock: Clock,
    /** Writes this hub's pending tallies, so a caller who just sent requests sees them. */
    private readonly flush: () => Promise<void>,
  ) {}

  async metrics(deploymentId: string, args: MetricsArgs): Promise<DeploymentMetrics> {
    const from = args.from.getTime();
    const to = args.to.getTime();
    if (!Number.isFinite(from)) throw badInput('from', 'must be a date and time');
    if (!Number.isFinite(to)) throw badInput('to', 'must be a date and time');
    if (to <= from) throw badInput('to', 'must be after from');
    const finest = this.tiers[0].resolutionSeconds;
    let step = args.step ?? Math.max(1, Math.ceil((to - from) / 1000 / DEFAULT_POINTS / finest)) * finest;
    if (!Number.isInteger(step) || step < finest || step % finest !== 0) throw badInput('step', `must be a whole number of seconds, a multiple of ${finest}`);
    const now = this.clock.now();
    const holds = (t: MetricTier) => from >= now - t.keepSeconds * 1000;
    // The coarsest tier dividing the step that holds `from`; else the finest holding it; else the coarsest of all.
    const tier =
      this.tiers.filter((t) => step % t.resolutionSeconds === 0 && holds(t)).at(-1) ?? this.tiers.find(holds) ?? this.tiers[this.tiers.length - 1];
    let index = this.tiers.indexOf(tier);
    if (step % tier.resolutionSeconds !== 0) step = Math.ceil(step / tier.resolutionSeconds) * tier.resolutionSeconds;
    const steps = Math.ceil((to - Math.floor(from / (step * 1000)) * step * 1000) / (step * 1000));
    if (steps > MAX_METRIC_POINTS) {
      throw badInput('to', `the range holds ${steps} steps of ${step} s, more than ${MAX_METRIC_POINTS}; narrow it or choose a longer step`);
    }
    await this.flush();
    const alignedFrom = new Date(Math.floor(from / (step * 1000)) * step * 1000);
    // Segments: the chosen tier up to where it was rolled up, then each finer tier up to where it was.
    const rolled = await this.rolledUntil();
    const segments: { resolution: number; start: Date; end: Date }[] = [];
    let start = alignedFrom;
    for (; index >= 0 && start.getTime() < to; index--) {
      const resolution = this.tiers[index].resolutionSeconds;
      const until = index === 0 ? to : Math.min(to, rolled.get(resolution) ?? -Infinity);
      if (until > start.getTime()) segments.push({ resolution, start, end: new Date(until) });
      if (until > start.getTime()) start = new Date(until);
    }
    const found: MetricRow[] = [];
    for (const s of segments) {
      const part = rows<MetricRow>(
        await this.db.query(
          `SELECT ${METRIC_COLUMNS} FROM serving_metrics WHERE deployment_id = $1 AND resolution = $2 AND bucket >= $3 AND bucket < $4 ORDER BY bucket LIMIT ${MAX_ROWS + 1}`,
          [deploymentId, s.resolution, s.start, s.end],
        ),
      );
      found.push(...part);
      if (found.length > MAX_ROWS) throw badInput('to', 'the range holds too many stored points; narrow it or choose a longer step');
    }
    return { step, resolution: tier.resolutionSeconds, points: toPoints(found, step * 1000, args.by ?? MetricsBreakdown.DEPLOYMENT, { from: alignedFrom.getTime(), to }) };
  }

  /** Per coarser tier's resolution: the end of what it has rolled up. */
  private async rolledUntil(): Promise<Map<number, number>> {
    const found = rows<{ task: string; done_until: Date | null }>(await this.db.query(`SELECT task, done_until FROM serving_metric_tasks WHERE task LIKE 'rollup:%'`));
    return new Map(found.flatMap((r) => (r.done_until ? [[Number(r.task.slice('rollup:'.length)), new Date(r.done_until).getTime()] as [number, number]] : [])));
  }
}
