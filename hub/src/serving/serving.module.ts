/** The serving module: deployments, their replicas (`serve` jobs), the router, the front doors, quotas and usage. */
import type { AccountsServices } from '../accounts/index.js';
import type { HubFloor, HubModule } from '../module.js';
import type { Admission, Metering } from './admission.js';
import { createQuotas } from './quotas/create-quotas.js';
import { NO_DEPLOYMENTS } from './quotas/usage-deployments.js';
import { UsageResolver } from './quotas/usage.resolver.js';
import type { UsageService } from './quotas/usage.service.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const servingResolvers = [UsageResolver] as const;

export interface ServingServices {
  /** The limits every inference request spends (quotas/limits-admission.ts). */
  admission: Admission;
  /** The meter inference requests leave their usage on (quotas/usage-meter.ts). */
  metering: Metering;
  /** Metered usage and a deployment's last-minute figures (quotas/usage.service.ts). */
  usage: UsageService;
}

export function servingModule({ db, log }: HubFloor, accounts: Pick<AccountsServices, 'apiKeys'>): HubModule<ServingServices> {
  const quotas = createQuotas({
    db,
    log: log.child({ component: 'serving-usage' }),
    // The deployments half of serving answers the usage query's deployment look-ups.
    deployments: NO_DEPLOYMENTS,
    apiKeyNames: (ids) => accounts.apiKeys.names(ids),
  });
  return {
    name: 'serving',
    services: { admission: quotas.admission, metering: quotas.metering, usage: quotas.usage },
    resolvers: servingResolvers,
    jobKinds: {
      // A deployment's replica: reads the model's weights, so private models go to trusted nodes only.
      serve: { submittable: false, readsData: true },
    },
    start: () => quotas.start(),
    stop: () => quotas.stop(),
    housekeeping: () => quotas.housekeeping(),
  };
}
