/** Deployment.budget and setDeploymentBudget: a deployment's monthly replica-hours budget, for those who may change it. */
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { AppError } from '../../errors.js';
import { Deployment } from '../deployment.entity.js';
import { DeploymentBudget, DeploymentBudgetInput } from './budget.types.js';

@Resolver(() => Deployment)
export class DeploymentBudgetResolver {
  @FieldResolver(() => DeploymentBudget, { nullable: true, description: 'Its monthly budget of replica-hours and this month’s use; null without a budget, and to those without write access' })
  async budget(@Root() d: Deployment, @Ctx() ctx: Context): Promise<DeploymentBudget | null> {
    if (!ctx.principal) return null;
    const owner = (await ctx.loaders.ownerHandle.load(d.ownerId)) ?? '';
    try {
      await ctx.services.deployments.get(ctx.principal, owner, d.name, 'write');
    } catch (error) {
      if (error instanceof AppError) return null;
      throw error;
    }
    return ctx.services.deploymentBudgets.view(d.id);
  }

  @Authorized()
  @Mutation(() => Deployment, { description: 'Set a deployment’s monthly budget of replica-hours and the action at 100 %, or remove it with budget: null (needs write access)' })
  async setDeploymentBudget(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('budget', () => DeploymentBudgetInput, { nullable: true }) budget: DeploymentBudgetInput | null,
    @Ctx() ctx: Context,
  ): Promise<Deployment> {
    const d = await ctx.services.deployments.get(ctx.principal!, owner, name, 'write');
    await ctx.services.deploymentBudgets.set(d.id, budget ?? null);
    return (await ctx.services.deployments.byId(d.id)) ?? d;
  }
}
