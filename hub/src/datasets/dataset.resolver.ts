import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ANYONE } from '../graphql/auth-checker.js';
import { ConnectionType, PageArgs, type Page } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { DatasetVersion } from './dataset-version.entity.js';
import { Dataset } from './dataset.entity.js';
import { CreateDatasetInput, UpdateDatasetInput } from './datasets.inputs.js';
import { DatasetSort } from './search.js';

const DatasetConnection = ConnectionType(Dataset, 'Dataset');

@Resolver(() => Dataset)
export class DatasetResolver {
  @Authorized(ANYONE)
  @Query(() => Dataset, { description: 'The dataset owner/name (NOT_FOUND if private and not yours)' })
  dataset(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<Dataset> {
    return ctx.services.datasets.get(ctx.principal, owner, name);
  }

  @Authorized(ANYONE)
  @Query(() => DatasetConnection, {
    description: 'The market: your datasets, your organizations’ and public ones; full-text search, filters and sort',
  })
  datasets(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('search', () => String, { nullable: true, description: 'Words to find in name, tags and description (web search syntax)' }) search: string | null,
    @Arg('tag', () => String, { nullable: true }) tag: string | null,
    @Arg('license', () => String, { nullable: true }) license: string | null,
    @Arg('owner', () => String, { nullable: true, description: 'A user or organization handle' }) owner: string | null,
    @Arg('sort', () => DatasetSort, { nullable: true }) sort: DatasetSort | null,
    @Ctx() ctx: Context,
  ): Promise<Page<Dataset>> {
    return ctx.services.datasets.search(ctx.principal, { search, tag, license, owner, sort }, page);
  }

  @Authorized()
  @Mutation(() => Dataset, { description: 'Star (or, with starred: false, unstar) a dataset you can see' })
  starDataset(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('starred', () => Boolean, { nullable: true, defaultValue: true }) starred: boolean,
    @Ctx() ctx: Context,
  ): Promise<Dataset> {
    return ctx.services.datasets.star(ctx.principal!, owner, name, starred);
  }

  @FieldResolver(() => Boolean, { description: 'Whether you starred it' })
  viewerHasStarred(@Root() dataset: Dataset, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.datasets.hasStarred(ctx.principal, dataset.id);
  }

  @Authorized()
  @Mutation(() => Dataset)
  createDataset(@Arg('input', () => CreateDatasetInput) input: CreateDatasetInput, @Ctx() ctx: Context): Promise<Dataset> {
    return ctx.services.datasets.create(ctx.principal!, input);
  }

  @Authorized()
  @Mutation(() => Dataset, { description: 'Change description, license, tags; visibility needs admin on the dataset' })
  updateDataset(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('input', () => UpdateDatasetInput) input: UpdateDatasetInput,
    @Ctx() ctx: Context,
  ): Promise<Dataset> {
    return ctx.services.datasets.update(ctx.principal!, owner, name, input);
  }

  @FieldResolver(() => String, { description: 'Handle of the user or organization that owns it' })
  async owner(@Root() dataset: Dataset, @Ctx() ctx: Context): Promise<string> {
    const user = await ctx.loaders.user.load(dataset.ownerId);
    if (user) return user.username;
    return (await ctx.loaders.organization.load(dataset.ownerId))?.handle ?? '';
  }

  @FieldResolver(() => [DatasetVersion], { description: 'Newest first' })
  versions(@Root() dataset: Dataset, @Ctx() ctx: Context): Promise<DatasetVersion[]> {
    return ctx.services.datasets.versions(dataset);
  }
}
