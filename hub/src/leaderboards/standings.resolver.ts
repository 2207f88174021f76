import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Model } from '../catalog/index.js';
import type { Context } from '../graphql/context.js';
import { ModelRefInput, ModelStanding } from './standing.types.js';
import { BenchmarkRefInput } from './submission.types.js';

@Resolver(() => Model)
export class StandingsResolver {
  @FieldResolver(() => [ModelStanding], {
    description: 'The model’s place on each benchmark you may read where it is ranked or entered, best rank first',
  })
  standings(@Root() model: Model, @Ctx() ctx: Context): Promise<ModelStanding[]> {
    return ctx.services.standings.standingsOf(ctx.principal, model);
  }

  @Authorized()
  @Mutation(() => ModelStanding, {
    description:
      'Enters a model you may write in a standing benchmark (one without a deadline): its newest version and each new one are submitted to it as you (for the team, if given)',
  })
  enterStandingBenchmark(
    @Arg('model', () => ModelRefInput) model: ModelRefInput,
    @Arg('benchmark', () => BenchmarkRefInput) benchmark: BenchmarkRefInput,
    @Arg('team', () => String, { nullable: true, description: 'An organization you belong to: the submissions count for it' }) team: string | null,
    @Ctx() ctx: Context,
  ): Promise<ModelStanding> {
    return ctx.services.standings.enter(ctx.principal!, model, benchmark, team);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'New versions of the model are no longer submitted to the benchmark (its standing stays); false if it was not entered' })
  leaveStandingBenchmark(
    @Arg('model', () => ModelRefInput) model: ModelRefInput,
    @Arg('benchmark', () => BenchmarkRefInput) benchmark: BenchmarkRefInput,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.standings.leave(ctx.principal!, model, benchmark);
  }
}
