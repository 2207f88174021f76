import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Scope } from '../accounts/scopes.js';
import { ConnectionType, PageArgs, type Page } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { DatasetVersion } from './dataset-version.entity.js';
import { Dataset } from './dataset.entity.js';
import { CreateDatasetInput, UpdateDatasetInput } from './datasets.inputs.js';

const DatasetConnection = ConnectionType(Dataset, 'Dataset');

@Resolver(() => Dataset)
export class DatasetResolver {
  @Authorized(Scope.DATASETS_READ)
  @Query(() => Dataset, { description: 'The dataset owner/name (NOT_FOUND if private and not yours)' })
  dataset(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<Dataset> {
    return ctx.services.datasets.get(ctx.principal, owner, name);
  }

  @Authorized(Scope.DATASETS_READ)
  @Query(() => DatasetConnection, { description: 'Your datasets, your organizations’ datasets and public ones, newest first' })
  datasets(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Page<Dataset>> {
    return ctx.services.datasets.list(ctx.principal!, page);
  }

  @Authorized(Scope.DATASETS_WRITE)
  @Mutation(() => Dataset)
  createDataset(@Arg('input', () => CreateDatasetInput) input: CreateDatasetInput, @Ctx() ctx: Context): Promise<Dataset> {
    return ctx.services.datasets.create(ctx.principal!, input);
  }

  @Authorized(Scope.DATASETS_WRITE)
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
