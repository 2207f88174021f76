/** Deployment.timeline: its events, to those who may change it. */
import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { ConnectionType, PageArgs, type Page } from '../../graphql/connection.js';
import { Deployment } from '../deployment.entity.js';
import { DeploymentEvent } from './deployment-event.entity.js';

const DeploymentEventConnection = ConnectionType(DeploymentEvent, 'DeploymentEvent');

@Resolver(() => Deployment)
export class DeploymentTimelineResolver {
  @FieldResolver(() => DeploymentEventConnection, {
    nullable: true,
    description: 'What happened to it (rollout steps, rollbacks, incidents, budget, version changes), newest first; null to those who may not change it',
  })
  async timeline(
    @Root() d: Deployment,
    @Args() page: PageArgs,
    @Arg('kinds', () => [String], { nullable: true, description: 'Only these kinds' }) kinds: string[] | null,
    @Ctx() ctx: Context,
  ): Promise<Page<DeploymentEvent> | null> {
    if (!(await ctx.services.deployments.canChange(ctx.principal, d))) return null;
    return ctx.services.deploymentEvents.timeline(d.id, page, kinds);
  }
}
