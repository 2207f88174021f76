/**
 * The inference path of a hub that has no deployments service: every deployment name is
 * NOT_FOUND, as it is to a caller who may not see it, so the front doors answer their protocols'
 * 404 and nothing past `callable` is ever reached.
 */
import { AppError, notFound } from '../../errors.js';
import type { InferenceParts } from './inference-service.js';

export function noDeployments(): InferenceParts {
  const unreachable = () => {
    throw new AppError('INTERNAL', 'No deployment can be called on this hub');
  };
  return {
    deployments: {
      callable: async () => {
        throw notFound('Deployment');
      },
    },
    admission: { admit: async () => unreachable() },
    router: { infer: async () => unreachable() },
    metering: { record: () => {} },
    replicas: { ready: () => [] },
  };
}
