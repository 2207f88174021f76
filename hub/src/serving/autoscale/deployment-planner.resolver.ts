/** Deployment.planner, Deployment.forecast and Deployment.waitingReason (docs/autoscaling.md). */
import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { Deployment } from '../deployment.entity.js';
import { DeploymentForecast, DeploymentPlanner } from './planner.types.js';

@Resolver(() => Deployment)
export class DeploymentPlannerResolver {
  @FieldResolver(() => DeploymentPlanner, { nullable: true, description: "The predictive planner's last plan; null when it is not autoscaled, not predictive since creation, or not planned yet" })
  planner(@Root() deployment: Deployment, @Ctx() ctx: Context): Promise<DeploymentPlanner | null> {
    return ctx.services.forecasts.planner(deployment.id);
  }

  @FieldResolver(() => DeploymentForecast, {
    description: "The planner's forecast of the request rate in [from, to) (at most 1000 slots), each slot as forecast before it began, beside the requests that came, and the error (MAPE) over the slots that ended",
  })
  forecast(@Root() deployment: Deployment, @Arg('from', () => Date) from: Date, @Arg('to', () => Date) to: Date, @Ctx() ctx: Context): Promise<DeploymentForecast> {
    return ctx.services.forecasts.forecast(deployment.id, from, to);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Why it has fewer replicas than it wants (capacity sharing, or replicas waiting for a node); null when nothing holds it back' })
  waitingReason(@Root() deployment: Deployment, @Ctx() ctx: Context): Promise<string | null> {
    return ctx.services.forecasts.waitingReason(deployment.id);
  }
}
