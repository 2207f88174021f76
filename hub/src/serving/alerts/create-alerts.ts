/**
 * Deployment alerts, built once per hub (docs/alerts.md): the rules' service behind GraphQL, the
 * actions, and the evaluator on a node-cron timer (AIMASS_ALERTS_EVALUATE_SECONDS) reading an
 * injectable clock.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { DataSource } from 'typeorm';
import type { MetricTier } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { EventBus } from '../../pubsub.js';
import { systemClock, type Clock } from '../quotas/clock.js';
import type { DeploymentReconciler } from '../reconciler.js';
import type { DeploymentsService } from '../deployments.service.js';
import { AlertActions, CanaryWeightRollback, type CanaryRollback } from './alert-actions.js';
import { AlertEvaluator, type DeploymentEventSink } from './alert-evaluator.js';
import { AlertRulesService } from './alert-rules.service.js';

export interface AlertsOptions {
  db: DataSource;
  log: Logger;
  events: EventBus;
  deploymentEvents: DeploymentEventSink;
  deployments: Pick<DeploymentsService, 'get' | 'fullNames'>;
  reconciler: Pick<DeploymentReconciler, 'reconcile'>;
  tiers: MetricTier[];
  evaluateSeconds: number;
  throttleSeconds: number;
  /** How a canary is rolled back (default: its weight to 0 in the stored split). */
  canary?: CanaryRollback;
  clock?: Clock;
}

export interface Alerts {
  rules: AlertRulesService;
  evaluator: AlertEvaluator;
  start(): void;
  stop(): Promise<void>;
}

export function createAlerts(o: AlertsOptions): Alerts {
  const finest = o.tiers[0];
  const clock = o.clock ?? systemClock;
  const actions = new AlertActions(o.db, o.reconciler, o.events, o.canary ?? new CanaryWeightRollback(o.db), o.throttleSeconds);
  const evaluator = new AlertEvaluator(o.db, finest.resolutionSeconds, o.deploymentEvents, actions, o.log, clock);
  const rules = new AlertRulesService(o.db, o.deployments, { resolutionSeconds: finest.resolutionSeconds, keepSeconds: finest.keepSeconds });
  let task: ScheduledTask | undefined;
  let running: Promise<unknown> | undefined;
  const run = () => {
    if (running) return;
    running = evaluator
      .evaluate()
      .catch((error) => o.log.warn({ err: error }, 'judging alert rules failed; it runs again at its next time'))
      .finally(() => (running = undefined));
  };
  return {
    rules,
    evaluator,
    start() {
      const n = o.evaluateSeconds;
      const expression = n < 60 ? `*/${n} * * * * *` : n < 3600 ? `0 */${Math.floor(n / 60)} * * * *` : '0 0 * * * *';
      task = cron.schedule(expression, run, { name: 'alerts-evaluate' });
    },
    async stop() {
      await task?.stop();
      task = undefined;
      await running;
    },
  };
}
