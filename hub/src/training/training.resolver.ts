import { Arg, Authorized, Ctx, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { ModelVersion } from '../catalog/index.js';
import { Job } from '../compute/job.entity.js';
import type { Context } from '../graphql/context.js';
import { TrainingEpoch } from './training-epoch.entity.js';
import { TrainingDataset, TrainingRun } from './training-run.entity.js';

@ObjectType('TrainingModel', { description: 'The model a training run trains, and the version it made' })
class TrainingModel {
  @Field(() => String) owner: string;
  @Field(() => String) name: string;
  @Field(() => Int, { nullable: true, description: 'The version made from this run; null until the trained model is in' }) versionNumber: number | null;
}

@Resolver(() => TrainingRun)
export class TrainingRunResolver {
  @Authorized()
  @Query(() => TrainingRun, { description: 'The training run of a job started by CREATE MODEL (NOT_FOUND for a job you may not see, or another kind)' })
  trainingRun(@Arg('jobId', () => ID) jobId: string, @Ctx() ctx: Context): Promise<TrainingRun> {
    return ctx.services.training.runOfJob(ctx.principal!, jobId);
  }

  @Authorized()
  @Subscription(() => TrainingEpoch, {
    // Access is checked once, when subscribing, as for jobUpdated.
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      return ctx.services.training.subscribeEpochs(ctx.principal!, (args as { jobId: string }).jobId);
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
