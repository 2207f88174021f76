/** The serving module: deployments, their replicas (`serve` jobs), the router, the front doors, quotas and usage. */
import type { AccountsServices } from '../accounts/index.js';
import type { CatalogServices } from '../catalog/index.js';
import type { HubFloor, HubModule } from '../module.js';
import { InferenceService, type InferenceParts } from './doors/inference-service.js';
import { kserveRouter } from './doors/kserve-v2.routes.js';
import { noDeployments } from './doors/no-deployments.js';
import { PredictResolver } from './doors/predict.resolver.js';
import { tfServingRouter } from './doors/tf-serving.routes.js';

export interface ServingServices {
  /** One online prediction through any front door (TF Serving REST, KServe v2, GraphQL predict, ML.PREDICT online). */
  inference: InferenceService;
}

export const servingResolvers = [PredictResolver];

export function servingModule(
  floor: HubFloor,
  accounts: Pick<AccountsServices, 'accounts'>,
  catalog: Pick<CatalogServices, 'catalog'>,
  parts: InferenceParts = noDeployments(),
): HubModule<ServingServices> {
  const inference = new InferenceService(parts, catalog.catalog);
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
