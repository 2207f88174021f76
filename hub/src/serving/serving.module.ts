/** The serving module: deployments, their replicas (`serve` jobs), the router, the front doors, quotas and usage. */
import type { HubFloor, HubModule } from '../module.js';

export interface ServingServices {}

export function servingModule(_floor: HubFloor): HubModule<ServingServices> {
  return {
    name: 'serving',
    services: {},
    jobKinds: {
      // A deployment's replica: reads the model's weights, so private models go to trusted nodes only.
      serve: { submittable: false, readsData: true },
    },
  };
}
