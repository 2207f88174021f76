import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { UsageGranularity, UsagePoint } from './usage-point.js';

@Resolver()
export class UsageResolver {
  @Authorized()
  @Query(() => [UsagePoint], {
    description:
      "Metered inference usage in [from, to), per period, deployment and API key. A deployment's owners see every caller's usage of it; " +
      'anyone else their own (of the named deployment, or of all when none is named).',
  })
  usage(
    @Arg('deployment', () => String, { nullable: true, description: '"owner/name"' }) deployment: string | null,
    @Arg('apiKey', () => ID, { nullable: true }) apiKey: string | null,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('granularity', () => UsageGranularity, { nullable: true, description: 'Default HOUR' }) granularity: UsageGranularity | null,
    @Ctx() ctx: Context,
  ): Promise<UsagePoint[]> {
    return ctx.services.usage.usage(ctx.principal!, { deployment, apiKey, from, to, granularity });
  }
}
