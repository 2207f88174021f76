import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Model } from '../catalog/index.js';
import { PageArgs } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { RetrainingRun } from './retraining-run.entity.js';
import type { RetrainingView } from './retraining.service.js';
import { RetrainingObject, RetrainingRunConnection, RetrainingTriggersInput } from './retraining.types.js';

function shape(view: RetrainingView): RetrainingObject {
  return {
    modelId: view.modelId,
    triggers: { onNewData: view.onNewData, cron: view.cron, paused: view.paused },
    nextRunAt: view.nextRunAt,
    watching: view.watched.map((w) => ({ owner: w.owner, name: w.name, seen: w.seen })),
  };
}

@Resolver(() => Model)
export class ModelRetrainingResolver {
  @FieldResolver(() => RetrainingObject, {
    nullable: true,
    description: 'Continuous training of a model trained by SQL (those who may write it only; null to others and for a model not trained by SQL)',
  })
  async retraining(@Root() model: Model, @Ctx() ctx: Context): Promise<RetrainingObject | null> {
    const view = await ctx.services.retraining.forViewer(ctx.principal, model);
    return view && shape(view);
  }
}

@Resolver(() => RetrainingObject)
export class RetrainingResolver {
  @FieldResolver(() => RetrainingRunConnection, { description: 'Retraining runs, newest first' })
  runs(@Root() retraining: RetrainingObject, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    return ctx.services.retraining.runsOf(retraining.modelId, page);
  }

  @Authorized()
  @Mutation(() => RetrainingObject, { description: 'Sets when a model trained by SQL retrains itself (both off: it stops); needs write access and models:write' })
  async setRetrainingTriggers(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('input', () => RetrainingTriggersInput) input: RetrainingTriggersInput,
    @Ctx() ctx: Context,
  ): Promise<RetrainingObject> {
    return shape(await ctx.services.retraining.setTriggers(ctx.principal!, owner, name, { onNewData: input.onNewData, cron: input.cron ?? null }));
  }

  @Authorized()
  @Mutation(() => RetrainingRun, { description: 'Starts a retraining now; CONFLICT while one of the model is running' })
  runRetrainingNow(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<RetrainingRun> {
    return ctx.services.retraining.runNow(ctx.principal!, owner, name);
  }

  @Authorized()
  @Mutation(() => RetrainingObject, { description: 'No trigger starts a run until resumed' })
  async pauseRetraining(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<RetrainingObject> {
    return shape(await ctx.services.retraining.pause(ctx.principal!, owner, name));
  }

  @Authorized()
  @Mutation(() => RetrainingObject, { description: 'Triggers start runs again; schedule times that passed while paused are not run' })
  async resumeRetraining(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<RetrainingObject> {
    return shape(await ctx.services.retraining.resume(ctx.principal!, owner, name));
  }
}
