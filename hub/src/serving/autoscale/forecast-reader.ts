/**
 * What the planner and capacity sharing show the owner: `Deployment.forecast(from, to)` (the
 * stored forecast slots of planner.ts beside the requests that came, and the error over the slots
 * that ended), `Deployment.planner` and `Deployment.waitingReason`. The caller reached the
 * deployment through a lookup that checked they may see it.
 */
import type { DataSource } from 'typeorm';
import { rows } from '../../db/rows.js';
import { badInput } from '../../errors.js';
import type { Clock } from '../quotas/clock.js';
import { mape } from './forecast.js';
import type { RequestHistory } from './planner.js';
import type { AutoscalingSettings } from './kpa.js';
import type { CapacityShare, PlannerState } from './planned-bounds.js';
import type { DeploymentForecast, DeploymentPlanner } from './planner.types.js';

/** Slots one answer holds at most. */
export const MAX_FORECAST_SLOTS = 1000;

export class ForecastReader {
  constructor(
    private readonly db: DataSource,
    private readonly slotSeconds: number,
    private readonly history: RequestHistory,
    private readonly clock: Clock,
  ) {}

  async forecast(deploymentId: string, from: Date, to: Date): Promise<DeploymentForecast> {
    const f = from.getTime();
    const t = to.getTime();
    if (!Number.isFinite(f)) throw badInput('from', 'must be a date and time');
    if (!Number.isFinite(t)) throw badInput('to', 'must be a date and time');
    if (t <= f) throw badInput('to', 'must be after from');
    const slotMs = this.slotSeconds * 1000;
    if ((t - f) / slotMs > MAX_FORECAST_SLOTS) throw badInput('to', `the range holds more than ${MAX_FORECAST_SLOTS} slots of ${this.slotSeconds} s; narrow it`);
    const stored = rows<{ slot_start: Date; slot_seconds: number; rate: number; lower_rate: number; upper_rate: number; made_at: Date }>(
      await this.db.query(
        `SELECT slot_start, slot_seconds, rate, lower_rate, upper_rate, made_at FROM serving_forecasts WHERE deployment_id = $1 AND slot_start >= $2 AND slot_start < $3 ORDER BY slot_start`,
        [deploymentId, new Date(Math.floor(f / slotMs) * slotMs), to],
      ),
    );
    const now = this.clock.now();
    const ended = stored.filter((s) => new Date(s.slot_start).getTime() + s.slot_seconds * 1000 <= now);
    const actual = new Map<number, number>();
    if (ended.length > 0) {
      const first = new Date(ended[0].slot_start).getTime();
      const last = new Date(ended[ended.length - 1].slot_start).getTime() + slotMs;
      for (const p of await this.history.requestsPerStep(deploymentId, new Date(first), new Date(last), this.slotSeconds)) actual.set(p.start.getTime(), p.requests / this.slotSeconds);
    }
    const points = stored.map((s) => {
      const start = new Date(s.slot_start);
      const done = start.getTime() + s.slot_seconds * 1000 <= now;
      return {
        start,
        requestsPerSecond: Number(s.rate),
        lower: Number(s.lower_rate),
        upper: Number(s.upper_rate),
        actualRequestsPerSecond: done ? (actual.get(start.getTime()) ?? 0) : null,
        madeAt: new Date(s.made_at),
      };
    });
    const scored = points.filter((p) => p.actualRequestsPerSecond !== null && p.actualRequestsPerSecond > 0);
    return {
      slotSeconds: this.slotSeconds,
      points,
      mape: mape(
        scored.map((p) => p.actualRequestsPerSecond!),
        scored.map((p) => p.requestsPerSecond),
        0,
      ),
      scoredSlots: scored.length,
    };
  }

  /** The planner's last plan; null when the deployment is not autoscaled or was never planned. */
  async planner(deploymentId: string): Promise<DeploymentPlanner | null> {
    const [row] = rows<{ planner: PlannerState | null; autoscaling: AutoscalingSettings | null }>(await this.db.query(`SELECT planner, autoscaling FROM deployments WHERE id = $1`, [deploymentId]));
    const p = row?.autoscaling ? row.planner : null;
    if (!p) return null;
    return {
      forecasting: p.forecasting,
      floor: p.floor,
      active: row.autoscaling!.predictive !== false && p.until > this.clock.now(),
      expectedRequestsPerSecond: p.expectedRate,
      replicaStartSeconds: p.startSeconds,
      replicaStartMeasured: p.startMeasured,
      secondsInFlight: p.secondsInFlight,
      historyDays: p.historyDays,
      minHistoryDays: p.minHistoryDays,
      heldOutMape: p.heldOutMape,
      plannedAt: new Date(p.plannedAt),
      reason: p.reason,
    };
  }

  /**
   * Why the deployment has fewer replicas than it wants, or null: capacity sharing holding it
   * below its wish, or replicas waiting for a node that may hold them.
   */
  async waitingReason(deploymentId: string): Promise<string | null> {
    const [row] = rows<{ share: CapacityShare | null; autoscaled: boolean; placing: string }>(
      await this.db.query(
        `SELECT capacity_share AS share, autoscaling IS NOT NULL AS autoscaled,
                (SELECT count(*) FROM deployment_replicas r JOIN jobs j ON j.id = r.job_id WHERE r.deployment_id = d.id AND r.state = 'placing' AND j.status = 'queued' AND j.created_at < now() - interval '10 seconds') AS placing
         FROM deployments d WHERE d.id = $1`,
        [deploymentId],
      ),
    );
    if (!row) return null;
    const reasons: string[] = [];
    if (row.autoscaled && row.share && row.share.granted < row.share.wish) reasons.push(`capacity sharing: ${row.share.reason}`);
    const placing = Number(row.placing);
    if (placing > 0) reasons.push(`${placing} replica(s) waiting for an online node that meets the requirements (GPU, memory, labels) and residency`);
    return reasons.length > 0 ? reasons.join('; ') : null;
  }
}
