import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { User } from '../accounts/index.js';
import { ConnectionType, PageArgs, type Page } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { whileReadable } from '../graphql/while-readable.js';
import { JobFilter, SubmitJobInput } from './compute.inputs.js';
import { JobAttempt } from './job-attempt.entity.js';
import { Job } from './job.entity.js';
import { Node } from './node.entity.js';

const JobConnection = ConnectionType(Job, 'Job');

@Resolver(() => Job)
export class JobResolver {
  @Authorized()
  @Query(() => Job)
  job(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Job> {
    return ctx.services.jobs.get(ctx.principal!, id);
  }

  @Authorized()
  @Query(() => JobConnection, { description: 'Your jobs and your organizations’ jobs, newest first' })
  jobs(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => JobFilter, { nullable: true }) filter: JobFilter | null,
    @Ctx() ctx: Context,
  ): Promise<Page<Job>> {
    return ctx.services.jobs.list(ctx.principal!, filter ?? {}, page);
  }

  @Authorized()
  @Mutation(() => Job, { description: 'Queue a job of a submittable kind (echo, benchmark)' })
  submitJob(@Arg('input', () => SubmitJobInput) input: SubmitJobInput, @Ctx() ctx: Context): Promise<Job> {
    return ctx.services.jobs.submit(ctx.principal!, input);
  }

  @Authorized()
  @Mutation(() => Job, { description: 'Cancel a queued or running job; the node running it stops' })
  cancelJob(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Job> {
    return ctx.services.jobs.cancel(ctx.principal!, id);
  }

  @Authorized()
  @Subscription(() => Job, {
    // A job you may not see is NOT_FOUND here too; access is checked again for every event.
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const job = await ctx.services.jobs.get(ctx.principal!, (args as { id: string }).id);
      return whileReadable(ctx.services.events.subscribe('JOB_UPDATED', job.id), () => ctx.services.jobs.get(ctx.principal!, job.id));
    },
    description: 'A job’s status and progress as they change',
  })
  jobUpdated(@Root() job: Job, @Arg('id', () => ID) _id: string): Job {
    return job;
  }

  @FieldResolver(() => [JobAttempt], { description: 'Every hand-out of the job to a node, oldest first' })
  history(@Root() job: Job, @Ctx() ctx: Context): Promise<JobAttempt[]> {
    return ctx.services.jobs.attempts(job.id);
  }

  @FieldResolver(() => String, { description: 'Where it may run: "your trusted nodes (2 online)" when it reads non-public data, else "any node (…)"' })
  async placement(@Root() job: Job, @Ctx() ctx: Context): Promise<string> {
    return (await ctx.services.jobs.placement(job.residency, ctx.principal?.user.id)).text;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Why a queued job is not running when no node it may run on is online ("waiting for one of your trusted nodes"); null otherwise',
  })
  waitingReason(@Root() job: Job, @Ctx() ctx: Context): Promise<string | null> {
    return ctx.services.jobs.waitingReason(job);
  }

  @FieldResolver(() => Node, { nullable: true })
  async node(@Root() job: Job, @Ctx() ctx: Context): Promise<Node | null> {
    return job.nodeId ? ctx.services.nodes.byId(job.nodeId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  owner(@Root() job: Job, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.user.load(job.ownerId);
  }
}
