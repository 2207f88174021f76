/** Serving (deployments, replicas, the router, the front doors, quotas, usage): what other domains may use. */
export { servingModule, servingResolvers, type ServingServices } from './serving.module.js';

import type { ServingServices } from './serving.module.js';
declare module '../module.js' {
  // Declaration merging: the services bag names this module's services (module.ts).
  interface Services extends ServingServices {}
}
