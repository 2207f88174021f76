/** startRollout, pauseRollout, resumeRollout, abortRollout, and Deployment.rollout / Deployment.rollouts (live through deploymentChanged). */
import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { Deployment } from '../deployment.entity.js';
import type { RolloutRow } from './rollout.service.js';
import { AnalysisVerdict, RolloutState, RolloutView, StartRolloutInput } from './rollout.types.js';

@Resolver(() => Deployment)
export class RolloutResolver {
  @Authorized()
  @Mutation(() => RolloutView, { description: 'Start a progressive rollout of a canary version (write access); the first step’s weight goes to it at once' })
  async startRollout(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('input', () => StartRolloutInput) input: StartRolloutInput,
    @Ctx() ctx: Context,
  ): Promise<RolloutView> {
    return rolloutView(await ctx.services.rollouts.begin(ctx.principal!, owner, name, input));
  }

  @Authorized()
  @Mutation(() => RolloutView, { description: 'Hold the running rollout at its step (the analysis still rolls it back if the canary fails)' })
  async pauseRollout(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<RolloutView> {
    return rolloutView(await ctx.services.rollouts.pause(ctx.principal!, owner, name));
  }

  @Authorized()
  @Mutation(() => RolloutView, { description: 'Go on with a paused rollout (past a pause step: to the step after it)' })
  async resumeRollout(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<RolloutView> {
    return rolloutView(await ctx.services.rollouts.resume(ctx.principal!, owner, name));
  }

  @Authorized()
  @Mutation(() => RolloutView, { description: 'End the rollout in progress: the stable version answers every request again' })
  async abortRollout(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | null,
    @Ctx() ctx: Context,
  ): Promise<RolloutView> {
    return rolloutView(await ctx.services.rollouts.abort(ctx.principal!, owner, name, reason));
  }

  @FieldResolver(() => RolloutView, { nullable: true, description: 'The rollout in progress, else the latest one; null when it never had one' })
  async rollout(@Root() d: Deployment, @Ctx() ctx: Context): Promise<RolloutView | null> {
    const r = await ctx.services.rollouts.current(d.id);
    return r ? rolloutView(r) : null;
  }

  @FieldResolver(() => [RolloutView], { description: 'Its rollouts, newest first' })
  async rollouts(@Root() d: Deployment, @Arg('first', () => Int, { defaultValue: 10 }) first: number, @Ctx() ctx: Context): Promise<RolloutView[]> {
    return (await ctx.services.rollouts.history(d.id, Math.max(1, Math.min(100, first)))).map(rolloutView);
  }
}

function rolloutView(r: RolloutRow): RolloutView {
  const inProgress = r.status === 'running' || r.status === 'paused';
  const a = r.lastAnalysis;
  return {
    id: r.id,
    status: r.status as RolloutState,
    stableVersion: r.stable.versionNumber,
    canaryVersion: r.canary.versionNumber,
    steps: r.steps.map((s) => ({ weight: s.weight, durationSeconds: s.durationSeconds, pause: s.durationSeconds === null })),
    currentStep: r.step,
    canaryWeight: inProgress ? r.steps[r.step].weight : r.status === 'promoted' ? 100 : 0,
    stepStartedAt: r.stepStartedAt,
    analysis: r.analysis,
    lastAnalysis: a ? { from: new Date(a.from), to: new Date(a.to), verdict: a.verdict as AnalysisVerdict, reasons: a.reasons, stable: a.stable, canary: a.canary } : null,
    reason: r.reason,
    startedAt: r.createdAt,
    updatedAt: r.updatedAt,
    endedAt: r.endedAt,
  };
}
