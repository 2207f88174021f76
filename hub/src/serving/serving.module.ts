/**
 * The serving module: deployments and their replicas (`serve` jobs placed by the reconciler, ready
 * replicas known through the replica registry), the router that carries each request to one of
 * them, the front doors (TF Serving REST, KServe v2, GraphQL predict), and the limits and meter
 * every request passes (quotas/). See docs/serving.md.
 */
import type { AccountsServices } from '../accounts/index.js';
import type { ArtifactsServices } from '../artifacts/index.js';
import type { CatalogServices } from '../catalog/index.js';
import type { ComputeServices } from '../compute/index.js';
import type { MlServices } from '../ml/index.js';
import { SubjectKind, type NotificationsServices } from '../notifications/index.js';
import type { HubFloor, HubModule } from '../module.js';
import type { TrainingServices } from '../training/index.js';
import type { Admission, Metering } from './admission.js';
import { DeploymentAlertsResolver } from './alerts/alerts.resolver.js';
import type { AlertRulesService } from './alerts/alert-rules.service.js';
import { CanaryWeightRollback } from './alerts/alert-actions.js';
import { createAlerts } from './alerts/create-alerts.js';
import { Autoscaler } from './autoscale/autoscaler.js';
import { BudgetKeeper } from './budgets/budget-keeper.js';
import { BudgetsService } from './budgets/budgets.service.js';
import { DeploymentBudgetResolver } from './budgets/deployment-budget.resolver.js';
import { ConcurrencyMeter } from './autoscale/concurrency-meter.js';
import { createPlanning } from './autoscale/create-planning.js';
import { DeploymentPlannerResolver } from './autoscale/deployment-planner.resolver.js';
import type { ForecastReader } from './autoscale/forecast-reader.js';
import type { Planner } from './autoscale/planner.js';
import { DeploymentStatsResolver } from './deployment-stats.resolver.js';
import { DeploymentResolver } from './deployment.resolver.js';
import { DeploymentsService } from './deployments.service.js';
import { InferenceService } from './doors/inference-service.js';
import { deploymentLookup, deploymentManagersRule } from './events/deployment-subject.js';
import { DeploymentEvents } from './events/deployment-events.js';
import { DeploymentTimelineResolver } from './events/deployment-timeline.resolver.js';
import { kserveRouter } from './doors/kserve-v2.routes.js';
import { PredictResolver } from './doors/predict.resolver.js';
import { RecentAuthenticator, RecentCallable } from './doors/recent-callers.js';
import { tfServingRouter } from './doors/tf-serving.routes.js';
import { connectSql } from './from-sql/connect-sql.js';
import { DeploymentOnlinePredictor } from './from-sql/deployment-online-predictor.js';
import { ReadyDeploymentsOfModel } from './from-sql/ready-deployments-of-model.js';
import { TrainedVersionDeployer, deploymentWriter } from './from-sql/trained-version-deployer.js';
import { createMonitoring } from './monitoring/create-monitoring.js';
import { DeploymentMetricsResolver } from './monitoring/deployment-metrics.resolver.js';
import type { MetricsService } from './monitoring/metrics.service.js';
import { systemClock } from './quotas/clock.js';
import { createQuotas } from './quotas/create-quotas.js';
import { UsageResolver } from './quotas/usage.resolver.js';
import type { UsageService } from './quotas/usage.service.js';
import { DeploymentReconciler } from './reconciler.js';
import { ReplicaRegistry } from './replica-registry.js';
import { createRouter } from './router/create-router.js';
import { RolloutResolver } from './rollout/rollout.resolver.js';
import { RolloutService } from './rollout/rollout.service.js';
import { versionSeries } from './rollout/version-series.js';
import { serveAgentRouter } from './serve-agent.routes.js';
import { DeploymentSplitResolver } from './split/deployment-split.resolver.js';
import { ShadowMeter } from './split/shadow-meter.js';

/** Days the shadow traffic's figures are kept. */
const SHADOW_FIGURES_DAYS = 30;

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const servingResolvers = [DeploymentResolver, DeploymentStatsResolver, DeploymentMetricsResolver, DeploymentSplitResolver, DeploymentTimelineResolver, RolloutResolver, PredictResolver, UsageResolver, DeploymentBudgetResolver, DeploymentAlertsResolver, DeploymentPlannerResolver] as const;

export interface ServingServices {
  /** Deployments: their rules, access, and what the front doors and the router look up. */
  deployments: DeploymentsService;
  /** Keeps each deployment's replicas (serve jobs) at the desired count and version. */
  deploymentReconciler: DeploymentReconciler;
  /** The ready replicas of every deployment, on every hub (the router reads it per request). */
  replicaDirectory: ReplicaRegistry;
  /** One online prediction through any front door (TF Serving REST, KServe v2, GraphQL predict). */
  inference: InferenceService;
  /** The limits every inference request spends (quotas/limits-admission.ts). */
  admission: Admission;
  /** The meter inference requests leave their usage on (quotas/usage-meter.ts). */
  metering: Metering;
  /** Metered usage and a deployment's last-minute figures (quotas/usage.service.ts). */
  usage: UsageService;
  /** Split deployments' shadow traffic: agreement and latency, summed over every hub (split/shadow-meter.ts). */
  shadowMeter: ShadowMeter;
  /** A deployment's stored metrics series (monitoring/metrics.service.ts). */
  deploymentMetrics: MetricsService;
  /** Each deployment's timeline, told to its followers' inboxes and webhooks (events/deployment-events.ts). */
  deploymentEvents: DeploymentEvents;
  /** Sizes autoscaled deployments from every hub's demand, and starts a replica for a request to one scaled to zero (autoscale/). */
  autoscaler: Autoscaler;
  /** Progressive rollouts: canary steps, promotion, automatic rollback; `rollBack(deploymentId, reason)` for alert actions (rollout/). */
  rollouts: RolloutService;
  /** Meters replica-hours and applies each deployment's monthly budget (budgets/). */
  budgetKeeper: BudgetKeeper;
  /** Deployment budgets: set, removed and read (budgets/budgets.service.ts). */
  deploymentBudgets: BudgetsService;
  /** Deployments' alert rules and incidents (alerts/). */
  alertRules: AlertRulesService;
  /** The predictive planner: forecasts each autoscaled deployment's requests and sets the floor its autoscaler keeps (autoscale/planner.ts). */
  planner: Planner;
  /** The planner's forecasts beside the real traffic, its plan and why a deployment waits (autoscale/forecast-reader.ts). */
  forecasts: ForecastReader;
}

export function servingModule(
  floor: HubFloor,
  accounts: Pick<AccountsServices, 'accounts' | 'apiKeys' | 'organizations'>,
  { jobs, scheduler, agentFrames }: Pick<ComputeServices, 'jobs' | 'scheduler' | 'agentFrames'>,
  { catalog }: Pick<CatalogServices, 'catalog'>,
  { artifacts }: Pick<ArtifactsServices, 'artifacts'>,
  training: Pick<TrainingServices, 'trainedVersions'>,
  ml: Pick<MlServices, 'ml'>,
  { notificationFanOut, notificationSubjects }: Pick<NotificationsServices, 'notificationFanOut' | 'notificationSubjects'>,
): HubModule<ServingServices> {
  const { db, config, events, signals, log } = floor;
  const servingLog = log.child({ module: 'serving' });

  // Deployments and their replicas.
  const deploymentEvents = new DeploymentEvents(db, notificationFanOut);
  const deployments = new DeploymentsService(db, accounts.organizations, catalog, deploymentEvents);
  notificationSubjects.register(SubjectKind.DEPLOYMENT, deploymentManagersRule, deploymentLookup(deployments));
  const deploymentReconciler = new DeploymentReconciler(db, config, jobs, deployments, events, signals, deploymentEvents, servingLog);
  // The inference path's short memory of callers (doors/recent-callers.ts), told of changes made here.
  const recentCallable = new RecentCallable(deployments, signals);
  const recentAuthenticator = new RecentAuthenticator(accounts.accounts, signals);
  deployments.wire(
    async (id) => {
      recentCallable.forget(id);
      await deploymentReconciler.reconcile(id);
      // Its settings changed even when its status did not: subscribers hear it.
      events.publish('DEPLOYMENT_CHANGED', id, { id });
    },
    (d) => deploymentReconciler.remove(d),
  );
  const replicaDirectory = new ReplicaRegistry(
    db,
    signals,
    events,
    deploymentReconciler,
    (session) => {
      const current = scheduler.session(session.nodeId);
      return current === undefined || current === session;
    },
    servingLog,
  );
  // Registered first: it takes replica.ready and leaves infer.result to the router's transport.
  agentFrames.register(replicaDirectory);

  // The router, and the limits and meter in front of it.
  const routing = createRouter({ directory: replicaDirectory, scheduler, agentFrames, channel: floor.channel, config, metrics: floor.metrics, log: servingLog });
  const quotas = createQuotas({
    db,
    log: log.child({ component: 'serving-usage' }),
    deployments: { find: (viewer, ref) => deployments.forUsage(viewer, ref), names: (ids) => deployments.fullNames(ids) },
    apiKeyNames: (ids) => accounts.apiKeys.names(ids),
  });
  // Every metered request also feeds the deployment's metrics series and /metrics (monitoring/).
  const monitoring = createMonitoring({
    db,
    log: log.child({ component: 'serving-metrics' }),
    events,
    metrics: floor.metrics,
    tiers: config.monitoring.tiers,
    rollupSeconds: config.monitoring.rollupSeconds,
    maxDeploymentLabels: config.monitoring.maxDeploymentLabels,
  });
  const metering: Metering = {
    record(entry) {
      quotas.metering.record(entry);
      monitoring.meter.record(entry);
    },
  };
  const shadowMeter = new ShadowMeter(db, log.child({ component: 'serving-shadow' }));
  const demand = new ConcurrencyMeter();
  const autoscaler = new Autoscaler(db, config, demand, deploymentReconciler, events, signals.instanceId, log.child({ component: 'serving-autoscaler' }));
  const rollouts = new RolloutService(
    db,
    deployments,
    versionSeries(config.monitoring.tiers[0].resolutionSeconds),
    () => monitoring.meter.flush(),
    deploymentEvents,
    events,
    config.deployments.rolloutTickMs,
    log.child({ component: 'serving-rollouts' }),
    systemClock,
  );
  const budgetKeeper = new BudgetKeeper(
    db,
    {
      events: deploymentEvents,
      reconcile: (id) => deploymentReconciler.reconcile(id),
      changed: (id) => events.publish('DEPLOYMENT_CHANGED', id, { id }),
    },
    config.deployments.budgetTickMs,
    log.child({ component: 'serving-budgets' }),
  );
  const deploymentBudgets = new BudgetsService(db, budgetKeeper);
  const canaryWeights = new CanaryWeightRollback(db);
  // Alert rules judged on the stored series; incidents told in the deployment's timeline (alerts/).
  const alerts = createAlerts({
    db,
    log: log.child({ component: 'serving-alerts' }),
    events,
    deploymentEvents,
    deployments,
    reconciler: deploymentReconciler,
    tiers: config.monitoring.tiers,
    evaluateSeconds: config.alerts.evaluateSeconds,
    throttleSeconds: config.alerts.throttleSeconds,
    // A rollout in progress is rolled back by its own service (its state, its timeline); a split set by hand loses its canaries' weight.
    canary: {
      async rollBack(deploymentId, reason) {
        if (await rollouts.rollBack(deploymentId, reason)) return { rolledBack: true, message: `Rolled back the rollout in progress (${reason})` };
        return canaryWeights.rollBack(deploymentId, reason);
      },
    },
  });
  // Predictive planning and capacity sharing: the floor and the share the autoscaler reads (autoscale/).
  const planning = createPlanning({ db, config: config.planner, metrics: monitoring.service, log: log.child({ component: 'serving-planner' }) });
  const inference = new InferenceService(
    { deployments: recentCallable, admission: quotas.admission, router: routing.router, metering, replicas: replicaDirectory,
      shadows: shadowMeter,
      demand,
      coldStart: { wake: (id) => autoscaler.wake(id), whenReady: (id, deadlineAt) => replicaDirectory.whenReady(id, deadlineAt) },
    },
    catalog,
  );
  // CREATE MODEL … OPTIONS (deploy = TRUE) deploys; small ML.PREDICTs on a deployed version are answered online.
  connectSql(training, ml, {
    deployer: new TrainedVersionDeployer(accounts.accounts, deploymentWriter(deployments)),
    onlinePredictor: new DeploymentOnlinePredictor(inference, new ReadyDeploymentsOfModel(db, replicaDirectory), config.inference.defaultDeadlineMs),
  });
  const doors = {
    accounts: recentAuthenticator,
    inference,
    maxBodyBytes: config.serving.maxBodyBytes,
    deadlineMs: config.inference.defaultDeadlineMs,
    development: config.env === 'development',
  };

  return {
    name: 'serving',
    services: { deployments, deploymentReconciler, replicaDirectory, inference, admission: quotas.admission, metering, usage: quotas.usage, shadowMeter, deploymentMetrics: monitoring.service, autoscaler, deploymentEvents, rollouts, budgetKeeper, deploymentBudgets, alertRules: alerts.rules, planner: planning.planner, forecasts: planning.forecasts },
    resolvers: servingResolvers,
    routes: [
      { path: '/jobs', router: serveAgentRouter({ scheduler, artifacts }), jobTokenOnly: true },
      { path: '/v1/models', root: true, router: tfServingRouter(doors), quietAccessLog: true },
      { path: '/v2', root: true, router: kserveRouter(doors), quietAccessLog: true },
    ],
    jobKinds: {
      // A deployment's replica: reads the model's weights, so private models go to trusted nodes only.
      serve: {
        submittable: false,
        readsData: true,
        onFailed: (job, reason) => deploymentReconciler.failed(job.id, reason),
      },
    },
    async start() {
      quotas.start();
      shadowMeter.start();
      monitoring.start();
      routing.start();
      await replicaDirectory.start();
      deploymentReconciler.start();
      autoscaler.start();
      rollouts.start();
      budgetKeeper.start();
      alerts.start();
      planning.start();
      void deploymentReconciler.tick();
    },
    async stop() {
      replicaDirectory.stop();
      await alerts.stop();
      await planning.stop();
      await autoscaler.stop();
      await rollouts.stop();
      await budgetKeeper.stop();
      await deploymentReconciler.stop();
      routing.close();
      recentCallable.stop();
      recentAuthenticator.stop();
      await quotas.stop();
      await shadowMeter.stop();
      await monitoring.stop();
    },
    housekeeping: async () => {
      await quotas.housekeeping();
      await shadowMeter.prune(SHADOW_FIGURES_DAYS);
    },
  };
}
