/** Serving (deployments, replicas, the router, the front doors, quotas, usage): what other domains may use. */
export { servingModule, servingResolvers, type ServingServices } from './serving.module.js';
export { InferenceService, type CallableDeployments, type InferenceParts, type Prediction, type VersionSelector } from './doors/inference-service.js';
export { TrainedVersionDeployer, deploymentWriter, type SqlDeployer, type DeploymentWriter, type DeploymentsForSql } from './from-sql/trained-version-deployer.js';
export { DeploymentOnlinePredictor, ReadyDeploymentsOfModel, type ModelDeployments } from './from-sql/deployment-online-predictor.js';
export { checkRecords } from './doors/check-records.js';
export { Deployment, DeploymentStatus } from './deployment.entity.js';
export { DeploymentReplica } from './deployment-replica.entity.js';
export { DeploymentEvent } from './events/deployment-event.entity.js';
export type { DeploymentEvents, DeploymentEventInput } from './events/deployment-events.js';
export type { DeploymentsService } from './deployments.service.js';
export type { ReplicaDirectory, ReplicaView } from './replica-directory.js';
export type { CallerAccess, DeploymentTarget } from './deployment-target.js';

import type { ServingServices } from './serving.module.js';
declare module '../module.js' {
  // Declaration merging: the services bag names this module's services (module.ts).
  interface Services extends ServingServices {}
}
