/** The serving module: deployments, their replicas (`serve` jobs), the router, the front doors, quotas and usage. */
import type { AccountsServices } from '../accounts/index.js';
import type { CatalogServices } from '../catalog/index.js';
import type { HubFloor, HubModule } from '../module.js';
import type { Admission, Metering } from './admission.js';
import { InferenceService } from './doors/inference-service.js';
import { kserveRouter } from './doors/kserve-v2.routes.js';
import { noDeployments } from './doors/no-deployments.js';
import { PredictResolver } from './doors/predict.resolver.js';
import { tfServingRouter } from './doors/tf-serving.routes.js';
import { createQuotas } from './quotas/create-quotas.js';
import { NO_DEPLOYMENTS } from './quotas/usage-deployments.js';
import { UsageResolver } from './quotas/usage.resolver.js';
import type { UsageService } from './quotas/usage.service.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const servingResolvers = [PredictResolver, UsageResolver] as const;

export interface ServingServices {
  /** One online prediction through any front door (TF Serving REST, KServe v2, GraphQL predict). */
  inference: InferenceService;
  /** The limits every inference request spends (quotas/limits-admission.ts). */
  admission: Admission;
  /** The meter inference requests leave their usage on (quotas/usage-meter.ts). */
  metering: Metering;
  /** Metered usage and a deployment's last-minute figures (quotas/usage.service.ts). */
  usage: UsageService;
}

export function servingModule(
  floor: HubFloor,
  accounts: Pick<AccountsServices, 'accounts' | 'apiKeys'>,
  catalog: Pick<CatalogServices, 'catalog'>,
): HubModule<ServingServices> {
  const quotas = createQuotas({
    db: floor.db,
    log: floor.log.child({ component: 'serving-usage' }),
    deployments: NO_DEPLOYMENTS,
    apiKeyNames: (ids) => accounts.apiKeys.names(ids),
  });
  const parts = { ...noDeployments(), admission: quotas.admission, metering: quotas.metering };
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
    services: { inference, admission: quotas.admission, metering: quotas.metering, usage: quotas.usage },
    resolvers: servingResolvers,
    routes: [
      { path: '/v1/models', root: true, router: tfServingRouter(doors) },
      { path: '/v2', root: true, router: kserveRouter(doors) },
    ],
    jobKinds: {
      // A deployment's replica: reads the model's weights, so private models go to trusted nodes only.
      serve: { submittable: false, readsData: true },
    },
    start: () => quotas.start(),
    stop: () => quotas.stop(),
    housekeeping: () => quotas.housekeeping(),
  };
}
