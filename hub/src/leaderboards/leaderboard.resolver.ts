import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import { Benchmark } from '../benchmarks/index.js';
import { AppError } from '../errors.js';
import { ANYONE } from '../graphql/auth-checker.js';
import type { Context } from '../graphql/context.js';
import { BenchmarkRefInput, BenchmarkSubmission, CompatibleModelVersion, Leaderboard, ModelVersionRefInput } from './submission.types.js';

@Resolver(() => Benchmark)
export class LeaderboardResolver {
  @Authorized()
  @Mutation(() => BenchmarkSubmission, {
    description: 'Sends a model version to a benchmark: the hub evaluates it on the hidden split (on a node residency allows) and scores it itself',
  })
  submitToBenchmark(
    @Arg('benchmark', () => BenchmarkRefInput) benchmark: BenchmarkRefInput,
    @Arg('model', () => ModelVersionRefInput) model: ModelVersionRefInput,
    @Arg('team', () => String, { nullable: true, description: 'An organization you belong to: the submission counts for it (its members are the team; rules.teamSize caps them)' })
    team: string | null,
    @Ctx() ctx: Context,
  ): Promise<BenchmarkSubmission> {
    return ctx.services.submissions.submit(ctx.principal!, benchmark, model, { team });
  }

  @FieldResolver(() => Leaderboard, { description: 'Each submitter’s best scored submission, ranked (public score while open, private after the deadline)' })
  leaderboard(@Root() benchmark: Benchmark, @Ctx() ctx: Context): Promise<Leaderboard> {
    return ctx.services.submissions.leaderboard(ctx.principal, benchmark);
  }

  @FieldResolver(() => [BenchmarkSubmission], { description: 'Your submissions, newest first, with their status and scores' })
  mySubmissions(@Root() benchmark: Benchmark, @Ctx() ctx: Context): Promise<BenchmarkSubmission[]> {
    return ctx.services.submissions.mine(ctx.principal, benchmark);
  }

  @FieldResolver(() => [CompatibleModelVersion], { description: 'Your own model versions this benchmark can evaluate (features and task match), newest first' })
  compatibleModelVersions(@Root() benchmark: Benchmark, @Ctx() ctx: Context): Promise<CompatibleModelVersion[]> {
    return ctx.services.submissions.compatible(ctx.principal, benchmark);
  }

  @Authorized(ANYONE)
  @Subscription(() => Benchmark, {
    // A benchmark you may not see is NOT_FOUND here too; access is checked again for every event.
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const { owner, name } = args as { owner: string; name: string };
      const benchmark = await ctx.services.benchmarks.get(ctx.principal, owner, name);
      return current(ctx.services.events.subscribe('LEADERBOARD_CHANGED', benchmark.id), () => ctx.services.benchmarks.get(ctx.principal, owner, name));
    },
    description: 'The benchmark, read again each time a scored submission changed its leaderboard (ask for its leaderboard)',
  })
  leaderboardChanged(@Root() benchmark: Benchmark, @Arg('owner', () => String) _owner: string, @Arg('name', () => String) _name: string): Benchmark {
    return benchmark;
  }
}

/** The benchmark as the subscriber may read it now, once per event; the subscription ends when they no longer may. */
async function* current(events: AsyncIterable<unknown>, read: () => Promise<Benchmark>): AsyncGenerator<Benchmark> {
  for await (const _event of events) {
    try {
      yield await read();
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return;
      throw error;
    }
  }
}
