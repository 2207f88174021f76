/**
 * The predictive planner (docs/autoscaling.md): every AIMASS_SERVE_PLANNER_MINUTES one hub (the
 * `planner` claim) reads each predictive autoscaled deployment's request history from the
 * monitoring tiers, fits the forecast (forecast.ts), measures the replica start time and the time
 * a request is in flight, and writes the plan (plan-floor.ts) into `deployments.planner`: the
 * floor the autoscaler keeps until the plan's `until`. It also stores the forecast of the slots
 * ahead in `serving_forecasts` (a slot already begun keeps the forecast it had), which
 * `Deployment.forecast` shows and scores beside the real traffic. Every time is read from an
 * injectable clock, so a test drives days of plans without waiting.
 */
import type { DataSource } from 'typeorm';
import type { Config } from '../../config.js';
import { rows } from '../../db/rows.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../quotas/clock.js';
import { DAY_MS, fitForecast, forecastRange, heldOutMape } from './forecast.js';
import type { AutoscalingSettings } from './kpa.js';
import { planFloor } from './plan-floor.js';
import type { PlannerState } from './planned-bounds.js';

/** Hours of forecast stored ahead of now. */
export const FORECAST_HOURS_AHEAD = 24;
/** Days stored forecasts are kept (the 1 min tier's default retention). */
const KEEP_FORECAST_DAYS = 30;
/** Steps one metrics read may hold (monitoring/metrics.service.ts MAX_METRIC_POINTS). */
const READ_STEPS = 1000;

/** Reads a deployment's requests per step (the monitoring tiers, monitoring/metrics.service.ts). */
export interface RequestHistory {
  requestsPerStep(deploymentId: string, from: Date, to: Date, stepSeconds: number): Promise<{ start: Date; requests: number }[]>;
}

export class Planner {
  constructor(
    private readonly db: DataSource,
    private readonly config: Config['planner'],
    private readonly history: RequestHistory,
    private readonly log: Logger,
    private readonly clock: Clock = { now: () => Date.now() },
  ) {}

  private get slotMs(): number {
    return this.config.slotMinutes * 60_000;
  }

  /**
   * One run, if this hub claims it (no other hub ran the planner in the last half interval); the
   * ids of the deployments planned. Never throws for one deployment's failure.
   */
  async run(): Promise<string[]> {
    const now = this.clock.now();
    const halfMs = (this.config.everyMinutes * 60_000) / 2;
    await this.db.query(`INSERT INTO serving_metric_tasks (task) VALUES ('planner') ON CONFLICT DO NOTHING`);
    // A compare-and-set, not a held lock: the run reads through other connections (PGlite would wait on itself).
    const claimed = rows(
      await this.db.query(`UPDATE serving_metric_tasks SET done_until = $1 WHERE task = 'planner' AND (done_until IS NULL OR done_until <= $2) RETURNING task`, [
        new Date(now),
        new Date(now - halfMs),
      ]),
    );
    if (claimed.length === 0) return [];
    const due = rows<{ id: string }>(
      await this.db.query(`SELECT id FROM deployments WHERE autoscaling IS NOT NULL AND coalesce((autoscaling->>'predictive')::boolean, true) AND coalesce(status_message, '') <> 'deleting' ORDER BY id`),
    );
    const planned: string[] = [];
    for (const { id } of due) {
      try {
        await this.planOne(id, now);
        planned.push(id);
      } catch (error) {
        this.log.error({ err: error, deploymentId: id }, 'planning a deployment failed; it stays reactive until the next run');
      }
    }
    await this.db.query(`DELETE FROM serving_forecasts WHERE slot_start < $1`, [new Date(now - KEEP_FORECAST_DAYS * DAY_MS)]);
    return planned;
  }

  /** Plans one deployment at `now`; answers the plan written. */
  async planOne(deploymentId: string, now: number): Promise<PlannerState | null> {
    const [row] = rows<{ autoscaling: AutoscalingSettings | null; max_replicas: number }>(await this.db.query(`SELECT autoscaling, max_replicas FROM deployments WHERE id = $1`, [deploymentId]));
    if (!row?.autoscaling) return null;
    const slotMs = this.slotMs;
    const to = Math.floor(now / slotMs) * slotMs;
    const from = Math.floor(now / DAY_MS) * DAY_MS - this.config.historyDays * DAY_MS;
    const values = await this.rates(deploymentId, from, to);
    const input = { startMs: from, slotMs, values };
    const model = fitForecast(input, this.config.minHistoryDays);
    const firstActive = values.findIndex((v) => v > 0);
    const historyDays = firstActive < 0 ? 0 : Math.floor(((values.length - firstActive) * slotMs) / DAY_MS);
    const start = await this.startSeconds(deploymentId);
    const secondsInFlight = await this.secondsInFlight(deploymentId, now);
    const everyMs = this.config.everyMinutes * 60_000;
    const decision = planFloor({
      model,
      minHistoryDays: this.config.minHistoryDays,
      historyDays,
      now,
      leadMs: start.seconds * 1000 + everyMs,
      secondsInFlight,
      targetConcurrency: row.autoscaling.targetConcurrency,
      maxReplicas: row.max_replicas,
    });
    const state: PlannerState = {
      floor: decision.floor,
      until: now + 2 * everyMs,
      plannedAt: now,
      expectedRate: decision.expectedRate,
      startSeconds: start.seconds,
      startMeasured: start.measured,
      secondsInFlight,
      historyDays,
      minHistoryDays: this.config.minHistoryDays,
      heldOutMape: model ? heldOutMape(input, this.config.minHistoryDays) : null,
      forecasting: model !== null,
      reason: decision.reason,
    };
    await this.db.query(`UPDATE deployments SET planner = $2::jsonb WHERE id = $1`, [deploymentId, JSON.stringify(state)]);
    if (model) {
      const ahead = forecastRange(model, to, now + FORECAST_HOURS_AHEAD * 3600_000);
      // Slots already begun keep what was forecast before they began; the current one is written if missing.
      await this.db.query(
        `INSERT INTO serving_forecasts (deployment_id, slot_start, slot_seconds, rate, lower_rate, upper_rate, made_at)
         SELECT $1, to_timestamp(s.t / 1000.0), $2, s.v, s.lo, s.hi, $3 FROM unnest($4::float8[], $5::float8[], $6::float8[], $7::float8[]) AS s(t, v, lo, hi)
         ON CONFLICT (deployment_id, slot_start) DO UPDATE SET rate = excluded.rate, lower_rate = excluded.lower_rate, upper_rate = excluded.upper_rate, made_at = excluded.made_at, slot_seconds = excluded.slot_seconds
           WHERE serving_forecasts.slot_start > $3`,
        [deploymentId, slotMs / 1000, new Date(now), ahead.map((p) => p.start), ahead.map((p) => p.value), ahead.map((p) => p.lower), ahead.map((p) => p.upper)],
      );
    }
    return state;
  }

  /** Requests per second in each slot of [from, to), read in pieces the metrics reader allows. */
  private async rates(deploymentId: string, from: number, to: number): Promise<number[]> {
    const slotMs = this.slotMs;
    const values = new Array<number>(Math.max(0, Math.round((to - from) / slotMs))).fill(0);
    for (let start = from; start < to; start += READ_STEPS * slotMs) {
      const end = Math.min(to, start + READ_STEPS * slotMs);
      for (const p of await this.history.requestsPerStep(deploymentId, new Date(start), new Date(end), slotMs / 1000)) {
        const i = Math.round((p.start.getTime() - from) / slotMs);
        if (i >= 0 && i < values.length) values[i] += p.requests / (slotMs / 1000);
      }
    }
    return values;
  }

  /** The median of the last 20 replicas' time from placement to ready; the configured default when none started. */
  private async startSeconds(deploymentId: string): Promise<{ seconds: number; measured: boolean }> {
    const found = rows<{ s: number }>(
      await this.db.query(
        `SELECT extract(epoch FROM r.ready_at - j.created_at)::float8 AS s FROM deployment_replicas r JOIN jobs j ON j.id = r.job_id
         WHERE r.deployment_id = $1 AND r.ready_at IS NOT NULL AND r.ready_at >= j.created_at ORDER BY r.ready_at DESC LIMIT 20`,
        [deploymentId],
      ),
    ).map((r) => Number(r.s));
    if (found.length === 0) return { seconds: this.config.defaultStartSeconds, measured: false };
    found.sort((a, b) => a - b);
    const mid = Math.floor(found.length / 2);
    const median = found.length % 2 ? found[mid] : (found[mid - 1] + found[mid]) / 2;
    return { seconds: Math.max(1, Math.ceil(median)), measured: true };
  }

  /** Mean seconds a request was in flight over the last hour, every hub together (serving_concurrency). */
  private async secondsInFlight(deploymentId: string, now: number): Promise<number | null> {
    const [r] = rows<{ ms: number | null; n: string | null }>(
      await this.db.query(`SELECT sum(in_flight_ms)::float8 AS ms, sum(requests) AS n FROM serving_concurrency WHERE deployment_id = $1 AND at > $2 AND at <= $3`, [
        deploymentId,
        new Date(now - 3600_000),
        new Date(now),
      ]),
    );
    const n = Number(r?.n ?? 0);
    return n > 0 && r.ms !== null ? Number(r.ms) / n / 1000 : null;
  }
}
