/** Deployment.stats: the last minute's traffic of a deployment, summed over every hub (quotas/usage.service.ts). */
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { Deployment } from './deployment.entity.js';
import { DeploymentStats } from './quotas/deployment-stats.js';

@Resolver(() => Deployment)
export class DeploymentStatsResolver {
  @FieldResolver(() => DeploymentStats, { description: 'Requests per second, latency p50/p99, error rate and batch sizes over the last minute, summed over every hub' })
  stats(@Root() deployment: Deployment, @Ctx() ctx: Context): Promise<DeploymentStats> {
    return ctx.services.usage.stats(deployment.id);
  }
}
