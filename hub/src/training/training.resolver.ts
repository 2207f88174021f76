import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Field, FieldResolver, Float, ID, Int, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { ModelVersion } from '../catalog/index.js';
import { Job } from '../compute/index.js';
import type { Context } from '../graphql/context.js';
import { whileReadable } from '../graphql/while-readable.js';
import { TrainingEpoch } from './training-epoch.entity.js';
import { TrainingDataset, TrainingRun } from './training-run.entity.js';
import { TUNABLE } from './tuning-search.js';

@ObjectType('TrainingModel', { description: 'The model a training run trains, and the version it made' })
class TrainingModel {
  @Field(() => String) owner: string;
  @Field(() => String) name: string;
  @Field(() => Int, { nullable: true, description: 'The version made from this run; null until the trained model is in' }) versionNumber: number | null;
}

@ObjectType('TrainingTrial', { description: 'One trial of a hyperparameter tuning (CREATE MODEL with num_trials > 1): a training job of its own' })
class TrainingTrial {
  @Field(() => Int, { description: '1-based, in the order the trials were drawn' }) number: number;
  @Field(() => ID, { description: 'Its train job (queued only when a slot is free: see status)' }) jobId: string;
  @Field(() => String, { description: 'pending (waiting for a free slot, no job yet), or its job’s status: queued, leased, running, succeeded, failed, canceled' }) status: string;
  @Field(() => String, { nullable: true, description: 'Why the trial failed' }) error: string | null;
  @Field(() => GraphQLJSON, { description: 'The tuned options’ values for this trial, by their SQL names (learn_rate, hidden_units, …)' }) hyperparameters: Record<string, unknown>;
  @Field(() => GraphQLJSON, { description: 'Every hyperparameter of the trial, defaults filled in' }) allHyperparameters: unknown;
  @Field(() => GraphQLJSON, { nullable: true, description: 'The trained model’s metrics on the evaluation split; null until it is in' }) evalMetrics: Record<string, number> | null;
  @Field(() => Float, { nullable: true, description: 'The tuning objective’s value (lower is better); null until the model is in' }) score: number | null;
  @Field(() => Float, { nullable: true, description: 'Loss of the last epoch reported' }) trainingLoss: number | null;
  @Field(() => Float, { nullable: true, description: 'Eval loss of the last epoch reported' }) evalLoss: number | null;
  @Field(() => Boolean, { description: 'True for the best trial, whose model became the version' }) isOptimal: boolean;
}

@ObjectType('TrainingTuning', { description: 'Hyperparameter tuning of a CREATE MODEL with num_trials > 1' })
class TrainingTuningView {
  @Field(() => Int, { description: 'Trials drawn (a grid search tries each grid point once: at most num_trials)' }) numTrials: number;
  @Field(() => Int) maxParallelTrials: number;
  @Field(() => String, { description: 'grid or random' }) search: string;
  @Field(() => String, { description: 'The eval metric the best trial is picked by, lower is better: log_loss (classifiers) or mean_squared_error (regressors)' }) objective: string;
  @Field(() => String, { description: 'running, succeeded, failed (every trial failed) or canceled' }) status: string;
  @Field(() => String, { nullable: true }) error: string | null;
  @Field(() => [String], { description: 'The options written as HPARAM_RANGE / HPARAM_CANDIDATES' }) tunedOptions: string[];
}

@Resolver(() => TrainingRun)
export class TrainingRunResolver {
  @FieldResolver(() => String, { nullable: true, description: "The deployment its version goes to (OPTIONS deploy = TRUE or deployment = 'name'); null when none" })
  deployment(@Root() run: TrainingRun): string | null {
    return run.deploy?.name ?? null;
  }

  @Authorized()
  @Query(() => TrainingRun, { description: 'The training run of a job started by CREATE MODEL (NOT_FOUND for a job you may not see, or another kind)' })
  trainingRun(@Arg('jobId', () => ID) jobId: string, @Ctx() ctx: Context): Promise<TrainingRun> {
    return ctx.services.training.runOfJob(ctx.principal!, jobId);
  }

  @Authorized()
  @Subscription(() => TrainingEpoch, {
    // Checked when subscribing and again for every epoch, as for jobUpdated.
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const { jobId } = args as { jobId: string };
      return whileReadable(await ctx.services.training.subscribeEpochs(ctx.principal!, jobId), () => ctx.services.training.runOfJob(ctx.principal!, jobId));
    },
    description: 'Each epoch of a training job as its agent reports it (every epoch, unlike jobUpdated, which is throttled)',
  })
  trainingEpochAdded(@Root() epoch: TrainingEpoch, @Arg('jobId', () => ID) _jobId: string): TrainingEpoch {
    return epoch;
  }

  @FieldResolver(() => Job)
  job(@Root() run: TrainingRun, @Ctx() ctx: Context): Promise<Job> {
    return ctx.services.jobs.get(ctx.principal!, run.jobId);
  }

  @FieldResolver(() => [TrainingEpoch], { description: 'Each epoch once (the latest attempt’s, when one was run again after a resume), in order' })
  epochs(@Root() run: TrainingRun, @Ctx() ctx: Context): Promise<TrainingEpoch[]> {
    return ctx.services.training.epochs(run.id);
  }

  @FieldResolver(() => [TrainingDataset], { description: 'The dataset versions the query read' })
  datasets(@Root() run: TrainingRun): TrainingDataset[] {
    return run.datasets.map((d) => ({ owner: d.owner, name: d.name, version: d.version }));
  }

  @FieldResolver(() => TrainingModel)
  model(@Root() run: TrainingRun, @Ctx() ctx: Context): Promise<TrainingModel> {
    return ctx.services.training.modelOf(run);
  }

  @FieldResolver(() => TrainingTuningView, { nullable: true, description: 'The tuning this run is a trial of; null for a run without tuning' })
  async tuning(@Root() run: TrainingRun, @Ctx() ctx: Context): Promise<TrainingTuningView | null> {
    const t = await ctx.services.training.tuningOf(run);
    if (!t) return null;
    return { numTrials: t.numTrials, maxParallelTrials: t.maxParallelTrials, search: t.search, objective: t.objective, status: t.status, error: t.error, tunedOptions: t.tuned.map((k) => TUNABLE[k]) };
  }

  @FieldResolver(() => [TrainingTrial], { description: 'Every trial of the tuning this run belongs to, in order (empty for a run without tuning)' })
  trials(@Root() run: TrainingRun, @Ctx() ctx: Context): Promise<TrainingTrial[]> {
    return ctx.services.training.trialsOf(run);
  }

  @FieldResolver(() => Int, { nullable: true, description: 'The epoch of the newest checkpoint an agent would resume from; null when there is none' })
  checkpointEpoch(@Root() run: TrainingRun, @Ctx() ctx: Context): Promise<number | null> {
    return ctx.services.training.latestCheckpointEpoch(run.id);
  }
}

@Resolver(() => ModelVersion)
export class TrainingCurveResolver {
  @FieldResolver(() => [TrainingEpoch], { description: 'The training curve, one entry per epoch, of a version made by CREATE MODEL; empty for others' })
  trainingCurve(@Root() version: ModelVersion, @Ctx() ctx: Context): Promise<TrainingEpoch[]> {
    return ctx.services.training.curveOfVersion(version.id);
  }
}
