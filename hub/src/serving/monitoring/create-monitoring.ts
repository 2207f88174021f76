/**
 * Deployment monitoring, built once per hub (docs/monitoring.md): the meter every metered request
 * also reaches (metrics-meter.ts), the gauge sampler and the live points (every 2 s, node-cron),
 * the rollup and retention (node-cron, AIMASS_METRICS_ROLLUP_SECONDS), and the reader behind
 * `Deployment.metrics`. The periodic steps each run on one hub (task-claim.ts) and read the time
 * from an injectable clock.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { DataSource } from 'typeorm';
import type { MetricTier } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import type { EventBus } from '../../pubsub.js';
import { systemClock, type Clock } from '../quotas/clock.js';
import { DeploymentLabels } from './deployment-labels.js';
import { MetricsMeter } from './metrics-meter.js';
import { MetricsService } from './metrics.service.js';
import { completedPoints } from './publish-points.js';
import { rollUp, type RollupResult } from './roll-up.js';
import { sampleGauges } from './sample-gauges.js';

export interface MonitoringOptions {
  db: DataSource;
  log: Logger;
  events: EventBus;
  metrics: Metrics;
  tiers: MetricTier[];
  rollupSeconds: number;
  maxDeploymentLabels: number;
  clock?: Clock;
}

export interface Monitoring {
  meter: MetricsMeter;
  service: MetricsService;
  /** Samples the gauges and publishes the completed points, if due (the 2 s task). */
  tick(): Promise<void>;
  /** Rolls the tiers up and deletes expired points (the rollup task). */
  rollUp(): Promise<RollupResult>;
  start(): void;
  stop(): Promise<void>;
}

export function createMonitoring(options: MonitoringOptions): Monitoring {
  const clock = options.clock ?? systemClock;
  const { db, log, tiers } = options;
  const finest = tiers[0].resolutionSeconds;
  const meter = new MetricsMeter(db, log, clock, finest, options.metrics, new DeploymentLabels(options.maxDeploymentLabels));
  const service = new MetricsService(db, tiers, clock, () => meter.flush());
  const tasks: ScheduledTask[] = [];

  const tick = async () => {
    await sampleGauges(db, finest, clock.now());
    for (const { deploymentId, point } of await completedPoints(db, finest, clock.now())) options.events.publish('DEPLOYMENT_METRICS', deploymentId, point);
  };
  const roll = () => rollUp(db, tiers, clock.now());
  /** Runs `step` unless its previous run is still going; logs what fails (the database may be away). */
  const guarded = (name: string, step: () => Promise<unknown>) => {
    let running = false;
    return async () => {
      if (running) return;
      running = true;
      try {
        await step();
      } catch (error) {
        log.warn({ err: error, task: name }, 'a deployment metrics task failed; it runs again at its next time');
      } finally {
        running = false;
      }
    };
  };

  return {
    meter,
    service,
    tick,
    rollUp: roll,
    start() {
      meter.start();
      const every = Math.min(2, finest);
      tasks.push(cron.schedule(`*/${every} * * * * *`, guarded('metrics-sample', tick), { name: 'metrics-sample' }));
      const n = options.rollupSeconds;
      const rollupCron = n < 60 ? `*/${n} * * * * *` : n < 3600 ? `0 */${Math.floor(n / 60)} * * * *` : '0 0 * * * *';
      tasks.push(cron.schedule(rollupCron, guarded('metrics-rollup', roll), { name: 'metrics-rollup' }));
    },
    async stop() {
      for (const task of tasks.splice(0)) await task.stop();
      await meter.stop();
    },
  };
}
