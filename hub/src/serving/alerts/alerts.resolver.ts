/** Alert rules (create, change, delete) and Deployment.alertRules / Deployment.incidents. */
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { Deployment } from '../deployment.entity.js';
import { CreateAlertRuleInput, DeploymentAlertRule, DeploymentIncident, UpdateAlertRuleInput } from './alert.types.js';

@Resolver(() => Deployment)
export class DeploymentAlertsResolver {
  @Authorized()
  @Mutation(() => DeploymentAlertRule, { description: 'Add an alert rule to a deployment (write access to it)' })
  createAlertRule(@Arg('input', () => CreateAlertRuleInput) input: CreateAlertRuleInput, @Ctx() ctx: Context): Promise<DeploymentAlertRule> {
    return ctx.services.alertRules.create(ctx.principal!, input);
  }

  @Authorized()
  @Mutation(() => DeploymentAlertRule, { description: 'Change an alert rule (the fields given); its metric and condition stay' })
  updateAlertRule(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateAlertRuleInput) input: UpdateAlertRuleInput, @Ctx() ctx: Context): Promise<DeploymentAlertRule> {
    return ctx.services.alertRules.update(ctx.principal!, id, input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Delete an alert rule; its open incident resolves, its past incidents stay' })
  deleteAlertRule(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.alertRules.delete(ctx.principal!, id);
  }

  @FieldResolver(() => [DeploymentAlertRule], { nullable: true, description: 'Its alert rules, oldest first; null to those without write access' })
  alertRules(@Root() d: Deployment, @Ctx() ctx: Context): Promise<DeploymentAlertRule[] | null> {
    return ctx.services.alertRules.rules(ctx.principal, d);
  }

  @FieldResolver(() => [DeploymentIncident], { nullable: true, description: 'Its incidents, newest first (at most 100 a page; `before` pages on by openedAt); null to those without write access' })
  incidents(
    @Root() d: Deployment,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('before', () => Date, { nullable: true, description: 'Only incidents opened before this' }) before: Date | null,
    @Arg('open', () => Boolean, { nullable: true, description: 'true: only open ones; false: only resolved ones' }) open: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<DeploymentIncident[] | null> {
    return ctx.services.alertRules.incidents(ctx.principal, d, { first, before, open });
  }
}
