/** The serving module: deployments, their replicas (`serve` jobs), the router, the front doors, quotas and usage. */
import type { AccountsServices } from '../accounts/index.js';
import type { ArtifactsServices } from '../artifacts/index.js';
import type { CatalogServices } from '../catalog/index.js';
import type { ComputeServices } from '../compute/index.js';
import type { HubFloor, HubModule } from '../module.js';
import type { NotificationsServices } from '../notifications/index.js';
import { DeploymentResolver } from './deployment.resolver.js';
import { DeploymentsService } from './deployments.service.js';
import { DeploymentReconciler } from './reconciler.js';
import { ReplicaRegistry } from './replica-registry.js';
import { serveAgentRouter } from './serve-agent.routes.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const servingResolvers = [DeploymentResolver] as const;

export interface ServingServices {
  /** Deployments: their rules, access, and what the front doors and the router look up. */
  deployments: DeploymentsService;
  /** Keeps each deployment's replicas (serve jobs) at the desired count and version. */
  deploymentReconciler: DeploymentReconciler;
  /** The ready replicas of every deployment, on every hub (the router reads it per request). */
  replicaDirectory: ReplicaRegistry;
}

export function servingModule(
  { db, config, events, signals, log }: HubFloor,
  { organizations }: Pick<AccountsServices, 'organizations'>,
  { jobs, scheduler, agentFrames }: Pick<ComputeServices, 'jobs' | 'scheduler' | 'agentFrames'>,
  { catalog }: Pick<CatalogServices, 'catalog'>,
  // Subscribers' plans are read with the deployment's access (deployments.service.ts).
  _notifications: Pick<NotificationsServices, 'subscriptions'>,
  { artifacts }: Pick<ArtifactsServices, 'artifacts'>,
): HubModule<ServingServices> {
  const servingLog = log.child({ module: 'serving' });
  const deployments = new DeploymentsService(db, organizations, catalog);
  const deploymentReconciler = new DeploymentReconciler(db, config, jobs, deployments, events, signals, servingLog);
  deployments.wire(
    async (id) => {
      await deploymentReconciler.reconcile(id);
      // Its settings changed even when its status did not: subscribers hear it.
      events.publish('DEPLOYMENT_CHANGED', id, { id });
    },
    (d) => deploymentReconciler.remove(d),
  );
  const replicaDirectory = new ReplicaRegistry(db, signals, events, deploymentReconciler, (session) => {
    const current = scheduler.session(session.nodeId);
    return current === undefined || current === session;
  }, servingLog);
  agentFrames.register(replicaDirectory);
  return {
    name: 'serving',
    services: { deployments, deploymentReconciler, replicaDirectory },
    resolvers: servingResolvers,
    routes: [{ path: '/jobs', router: serveAgentRouter({ scheduler, artifacts }), jobTokenOnly: true }],
    jobKinds: {
      // A deployment's replica: reads the model's weights, so private models go to trusted nodes only.
      serve: {
        submittable: false,
        readsData: true,
        onFailed: (job, reason) => deploymentReconciler.failed(job.id, reason),
      },
    },
    async start() {
      await replicaDirectory.start();
      deploymentReconciler.start();
      void deploymentReconciler.tick();
    },
    async stop() {
      replicaDirectory.stop();
      await deploymentReconciler.stop();
    },
  };
}
