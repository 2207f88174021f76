/** The serving module: deployments, their replicas (`serve` jobs), the router, the front doors, quotas and usage. */
import type { AccountsServices } from '../accounts/index.js';
import type { CatalogServices } from '../catalog/index.js';
import type { MlServices } from '../ml/index.js';
import type { HubFloor, HubModule } from '../module.js';
import type { TrainingServices } from '../training/index.js';
import { InferenceService, type InferenceParts } from './doors/inference-service.js';
import { kserveRouter } from './doors/kserve-v2.routes.js';
import { noDeployments } from './doors/no-deployments.js';
import { PredictResolver } from './doors/predict.resolver.js';
import { tfServingRouter } from './doors/tf-serving.routes.js';
import { connectSql } from './from-sql/connect-sql.js';
import { DeploymentOnlinePredictor, type ModelDeployments } from './from-sql/deployment-online-predictor.js';
import { TrainedVersionDeployer, deploymentWriter, type DeploymentsForSql } from './from-sql/trained-version-deployer.js';

/** What SQL's two steps into serving need: deploying a trained version, finding the deployments serving one. */
export interface FromSqlParts {
  deployments?: DeploymentsForSql;
  modelDeployments?: ModelDeployments;
}

export interface ServingServices {
  /** One online prediction through any front door (TF Serving REST, KServe v2, GraphQL predict, ML.PREDICT online). */
  inference: InferenceService;
}

export const servingResolvers = [PredictResolver];

export function servingModule(
  floor: HubFloor,
  accounts: Pick<AccountsServices, 'accounts'>,
  catalog: Pick<CatalogServices, 'catalog'>,
  training: Pick<TrainingServices, 'trainedVersions'>,
  ml: Pick<MlServices, 'ml'>,
  parts: InferenceParts = noDeployments(),
  fromSql: FromSqlParts = {},
): HubModule<ServingServices> {
  const inference = new InferenceService(parts, catalog.catalog);
  // CREATE MODEL … OPTIONS (deploy = TRUE) deploys; small ML.PREDICTs on a deployed version are answered online.
  connectSql(training, ml, {
    deployer: fromSql.deployments && new TrainedVersionDeployer(accounts.accounts, deploymentWriter(fromSql.deployments)),
    onlinePredictor: fromSql.modelDeployments && new DeploymentOnlinePredictor(inference, fromSql.modelDeployments, floor.config.inference.defaultDeadlineMs),
  });
  const doors = {
    accounts: accounts.accounts,
    inference,
    maxBodyBytes: floor.config.serving.maxBodyBytes,
    deadlineMs: floor.config.inference.defaultDeadlineMs,
    development: floor.config.env === 'development',
  };
  return {
    name: 'serving',
    services: { inference },
    resolvers: servingResolvers,
    routes: [
      { path: '/v1/models', root: true, router: tfServingRouter(doors) },
      { path: '/v2', root: true, router: kserveRouter(doors) },
    ],
    jobKinds: {
      // A deployment's replica: reads the model's weights, so private models go to trusted nodes only.
      serve: { submittable: false, readsData: true },
    },
  };
}
