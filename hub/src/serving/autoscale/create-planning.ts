/**
 * The predictive planner and capacity sharing, built once per hub (docs/autoscaling.md): the
 * planner runs every AIMASS_SERVE_PLANNER_MINUTES and capacity sharing every 10 s, both on
 * node-cron, each step guarded so a slow one is skipped rather than stacked, and both read the
 * time from an injectable clock.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { DataSource } from 'typeorm';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { MetricsService } from '../monitoring/metrics.service.js';
import { systemClock, type Clock } from '../quotas/clock.js';
import { CapacitySharing } from './capacity-share.js';
import { ForecastReader } from './forecast-reader.js';
import { Planner, type RequestHistory } from './planner.js';

/** Seconds between capacity shares. */
const SHARE_EVERY_SECONDS = 10;

export interface Planning {
  planner: Planner;
  sharing: CapacitySharing;
  forecasts: ForecastReader;
  start(): void;
  stop(): Promise<void>;
}

/** The request history the planner reads: the monitoring tiers, one point per step. */
export function requestHistory(metrics: Pick<MetricsService, 'metrics'>): RequestHistory {
  return {
    async requestsPerStep(deploymentId, from, to, stepSeconds) {
      const { points } = await metrics.metrics(deploymentId, { from, to, step: stepSeconds });
      return points.map((p) => ({ start: p.start, requests: p.requests }));
    },
  };
}

export function createPlanning(options: { db: DataSource; config: Config['planner']; metrics: Pick<MetricsService, 'metrics'>; log: Logger; clock?: Clock }): Planning {
  const clock = options.clock ?? systemClock;
  const history = requestHistory(options.metrics);
  const planner = new Planner(options.db, options.config, history, options.log, clock);
  const sharing = new CapacitySharing(options.db, options.config.replicasPerNode, options.log, clock);
  const forecasts = new ForecastReader(options.db, options.config.slotMinutes * 60, history, clock);
  const tasks: ScheduledTask[] = [];
  const guarded = (name: string, step: () => Promise<unknown>) => {
    let running = false;
    return async () => {
      if (running) return;
      running = true;
      try {
        await step();
      } catch (error) {
        options.log.warn({ err: error, task: name }, 'an autoscaling planning task failed; it runs again at its next time');
      } finally {
        running = false;
      }
    };
  };
  return {
    planner,
    sharing,
    forecasts,
    start() {
      const m = options.config.everyMinutes;
      tasks.push(cron.schedule(m === 60 ? '0 0 * * * *' : `0 */${m} * * * *`, guarded('autoscale-planner', () => planner.run()), { name: 'autoscale-planner' }));
      tasks.push(cron.schedule(`*/${SHARE_EVERY_SECONDS} * * * * *`, guarded('capacity-share', () => sharing.run()), { name: 'capacity-share' }));
    },
    async stop() {
      for (const task of tasks.splice(0)) await task.stop();
    },
  };
}
