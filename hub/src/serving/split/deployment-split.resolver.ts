/** Deployment.variants, Deployment.stickiness and Deployment.shadow: a split deployment as its viewers see it. */
import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { Deployment } from '../deployment.entity.js';
import { latencyQuantile } from '../quotas/histogram.js';
import { DeploymentVariant, ShadowStats } from './variant.types.js';
import { variantsOf, VariantStickiness } from './variants.js';

@Resolver(() => Deployment)
export class DeploymentSplitResolver {
  @FieldResolver(() => [DeploymentVariant], { description: 'The versions it serves under its name with their weights; one (weight 100) unless split' })
  variants(@Root() d: Deployment): DeploymentVariant[] {
    return variantsOf(d).map((v) => ({ versionNumber: v.versionNumber, alias: v.alias, weight: v.weight, shadow: v.shadow, replicas: v.replicas }));
  }

  @FieldResolver(() => VariantStickiness, { description: 'How requests stick to a variant' })
  stickiness(@Root() d: Deployment): VariantStickiness {
    return d.stickiness === VariantStickiness.CALLER ? VariantStickiness.CALLER : VariantStickiness.REQUEST;
  }

  @FieldResolver(() => [ShadowStats], { description: 'Each shadow version’s traffic (copies, agreement with the answers callers got, latency), summed over every hub; versions that were a shadow since `from` (default: ever)' })
  async shadow(@Root() d: Deployment, @Arg('from', () => Date, { nullable: true }) from: Date | null, @Ctx() ctx: Context): Promise<ShadowStats[]> {
    const figures = await ctx.services.shadowMeter.figures(d.id, from ?? null);
    return figures.map((f) => ({
      versionNumber: f.versionNumber,
      requests: f.requests,
      errors: f.errors,
      comparedRecords: f.compared,
      agreedRecords: f.agreed,
      agreementRate: f.compared > 0 ? f.agreed / f.compared : null,
      latencyP50Ms: latencyQuantile(f.latencyCounts, 0.5),
      latencyP99Ms: latencyQuantile(f.latencyCounts, 0.99),
      primaryLatencyP50Ms: latencyQuantile(f.primaryLatencyCounts, 0.5),
      primaryLatencyP99Ms: latencyQuantile(f.primaryLatencyCounts, 0.99),
    }));
  }
}
