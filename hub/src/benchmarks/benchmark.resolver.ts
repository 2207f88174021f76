import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Dataset, DatasetVersion } from '../datasets/index.js';
import { ANYONE } from '../graphql/auth-checker.js';
import { ConnectionType, PageArgs, type Page } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { METRICS, BenchmarkTask } from './benchmark-metrics.js';
import { BenchmarkSort } from './benchmark-sort.js';
import { Benchmark } from './benchmark.entity.js';
import { CreateBenchmarkInput, UpdateBenchmarkInput } from './benchmarks.inputs.js';

const BenchmarkConnection = ConnectionType(Benchmark, 'Benchmark');

@Resolver(() => Benchmark)
export class BenchmarkResolver {
  @Authorized(ANYONE)
  @Query(() => Benchmark, { description: 'The benchmark owner/name (NOT_FOUND if private and not yours)' })
  benchmark(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<Benchmark> {
    return ctx.services.benchmarks.get(ctx.principal, owner, name);
  }

  @Authorized(ANYONE)
  @Query(() => BenchmarkConnection, { description: 'Public benchmarks, yours and your organizations’: full-text search, filters, keyset pages' })
  benchmarks(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('search', () => String, { nullable: true, description: 'Words to find in name, tags and description (web search syntax)' }) search: string | null,
    @Arg('task', () => BenchmarkTask, { nullable: true }) task: BenchmarkTask | null,
    @Arg('open', () => Boolean, { nullable: true, description: 'true: taking submissions (no deadline or one ahead); false: closed' }) open: boolean | null,
    @Arg('tags', () => [String], { nullable: true, description: 'Benchmarks carrying every one of these tags' }) tags: string[] | null,
    @Arg('owner', () => String, { nullable: true, description: 'A user or organization handle' }) owner: string | null,
    @Arg('sort', () => BenchmarkSort, { nullable: true }) sort: BenchmarkSort | null,
    @Ctx() ctx: Context,
  ): Promise<Page<Benchmark>> {
    return ctx.services.benchmarks.search(ctx.principal, { search, task, open, tags, owner, sort }, page);
  }

  @Authorized()
  @Mutation(() => Benchmark, { description: 'Splits a dataset version into a dev split (a new dataset <name>-dev) and a hidden test split, and makes the benchmark' })
  createBenchmark(@Arg('input', () => CreateBenchmarkInput) input: CreateBenchmarkInput, @Ctx() ctx: Context): Promise<Benchmark> {
    return ctx.services.benchmarks.create(ctx.principal!, input);
  }

  @Authorized()
  @Mutation(() => Benchmark, { description: 'Changes description, deadline, rules, visibility or tags; needs admin on it' })
  updateBenchmark(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('input', () => UpdateBenchmarkInput) input: UpdateBenchmarkInput,
    @Ctx() ctx: Context,
  ): Promise<Benchmark> {
    return ctx.services.benchmarks.update(ctx.principal!, owner, name, input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Deletes it and its hidden split (the dev split dataset stays); needs admin on it' })
  deleteBenchmark(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.benchmarks.delete(ctx.principal!, owner, name);
  }

  @FieldResolver(() => String, { description: 'Handle of the user or organization that owns it' })
  async owner(@Root() benchmark: Benchmark, @Ctx() ctx: Context): Promise<string> {
    const user = await ctx.loaders.user.load(benchmark.ownerId);
    if (user) return user.username;
    return (await ctx.loaders.organization.load(benchmark.ownerId))?.handle ?? '';
  }

  @FieldResolver(() => Boolean, { description: 'Whether a higher score of the main metric is better (false for LOG_LOSS, RMSE, MAE)' })
  higherIsBetter(@Root() benchmark: Benchmark): boolean {
    return METRICS[benchmark.metric].higherIsBetter;
  }

  @FieldResolver(() => Boolean, { description: 'Taking submissions: no deadline, or one still ahead' })
  open(@Root() benchmark: Benchmark, @Ctx() ctx: Context): boolean {
    return ctx.services.benchmarks.isOpen(benchmark);
  }

  @FieldResolver(() => Dataset, { nullable: true, description: 'The dataset whose version 1 is the dev split (features and labels); null if you may not read it' })
  async devDataset(@Root() benchmark: Benchmark, @Ctx() ctx: Context): Promise<Dataset | null> {
    return (await ctx.services.benchmarks.devSplit(ctx.principal, benchmark))?.dataset ?? null;
  }

  @FieldResolver(() => DatasetVersion, { nullable: true, description: 'The dev split: preview, profile, export and SQL work on it like on any version' })
  async devVersion(@Root() benchmark: Benchmark, @Ctx() ctx: Context): Promise<DatasetVersion | null> {
    return (await ctx.services.benchmarks.devSplit(ctx.principal, benchmark))?.version ?? null;
  }

  @FieldResolver(() => Boolean, { description: 'Whether you may change and delete it' })
  async viewerIsAdmin(@Root() benchmark: Benchmark, @Ctx() ctx: Context): Promise<boolean> {
    return (await ctx.services.benchmarks.permission(ctx.principal, benchmark)) === 'admin';
  }
}
