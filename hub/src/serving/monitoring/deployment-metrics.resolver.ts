/** Deployment.metrics (stored series over a range) and deploymentMetricsAdded (each new finest-tier point, live). */
import { Arg, Ctx, FieldResolver, Int, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { whileReadable } from '../../graphql/while-readable.js';
import { notFound } from '../../errors.js';
import { Deployment } from '../deployment.entity.js';
import { DeploymentMetrics, MetricsBreakdown, MetricsPoint } from './metrics-point.js';

@Resolver(() => Deployment)
export class DeploymentMetricsResolver {
  @FieldResolver(() => DeploymentMetrics, {
    description:
      'Requests, errors by code, latency quantiles, batch sizes, queue lengths, replicas and the serving nodes’ CPU and memory over [from, to), summed over every hub, one point per step (at most 1000 steps)',
  })
  metrics(
    @Root() deployment: Deployment,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('step', () => Int, { nullable: true, description: 'Seconds per point, a multiple of the finest tier’s resolution (10 by default); default: about 360 points' }) step: number | null,
    @Arg('by', () => MetricsBreakdown, { nullable: true, defaultValue: MetricsBreakdown.DEPLOYMENT }) by: MetricsBreakdown,
    @Ctx() ctx: Context,
  ): Promise<DeploymentMetrics> {
    return ctx.services.deploymentMetrics.metrics(deployment.id, { from, to, step, by });
  }

  @Subscription(() => MetricsPoint, {
    // A deployment you may not see is NOT_FOUND here too; each point re-checks that you still may.
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const { owner, name } = args as { owner: string; name: string };
      const d = await ctx.services.deployments.get(ctx.principal, owner, name);
      return whileReadable(ctx.services.events.subscribe('DEPLOYMENT_METRICS', d.id), async () => {
        const now = await ctx.services.deployments.get(ctx.principal, owner, name);
        if (now.id !== d.id) throw notFound('Deployment');
      });
    },
    description: "The deployment's metrics point of each finest-tier bucket (10 s by default) once it is complete, summed over every hub; ends when the deployment is deleted or you may no longer see it",
  })
  deploymentMetricsAdded(@Root() point: MetricsPoint, @Arg('owner', () => String) _owner: string, @Arg('name', () => String) _name: string): MetricsPoint {
    return { ...point, start: new Date(point.start) };
  }
}
