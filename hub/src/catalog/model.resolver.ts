import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, Field, FieldResolver, Info, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ANYONE } from '../graphql/auth-checker.js';
import { ConnectionType, PageArgs, selectedFieldsAt, selectedNodeFields, type Page } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { CreateModelInput, ModelFilter, UpdateModelInput } from './catalog.inputs.js';
import { ModelVersion } from './model-version.entity.js';
import { Model } from './model.entity.js';
import { ModelSort, prefetchedWith } from './search.js';

const ModelConnection = ConnectionType(Model, 'Model');

@ObjectType('ModelAliasRef', { description: 'An alias and the version number it points at', simpleResolvers: true })
export class ModelAliasRef {
  @Field(() => String) alias: string;
  @Field(() => Int) number: number;
}

@Resolver(() => Model)
export class ModelResolver {
  @Authorized(ANYONE)
  @Query(() => Model, { description: 'The model owner/name (NOT_FOUND if private and not yours)' })
  model(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<Model> {
    return ctx.services.catalog.get(ctx.principal, owner, name);
  }

  @Authorized(ANYONE)
  @Query(() => ModelConnection, {
    description:
      'The catalog: public models, yours, your organizations’ and those shared with you (others’ unlisted ones are not listed); full-text search, filters and sort',
  })
  models(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('search', () => String, { nullable: true, description: 'Words to find in name, tags, description and model card (web search syntax), at most 200 characters' })
    search: string | null,
    @Arg('filter', () => ModelFilter, { nullable: true }) filter: ModelFilter | null,
    @Arg('sort', () => ModelSort, { nullable: true }) sort: ModelSort | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Model>> {
    // What the nodes select of owner, latestVersion and aliases is read with the page, in its one
    // statement; their field resolvers below answer from it (search.ts `prefetchedWith`).
    const fields = selectedNodeFields(info);
    // The model card is left out of the latest version unless it is selected (it can be long).
    const latestVersion = fields.has('latestVersion') && { card: selectedFieldsAt(info, ['edges', 'node', 'latestVersion']).has('card') };
    const extras = { owner: fields.has('owner'), latestVersion, aliases: fields.has('aliases') };
    return ctx.services.catalog.list(ctx.principal, page, { ...filter, search, sort }, extras);
  }

  @Authorized()
  @Mutation(() => Model)
  createModel(@Arg('input', () => CreateModelInput) input: CreateModelInput, @Ctx() ctx: Context): Promise<Model> {
    return ctx.services.catalog.create(ctx.principal!, input);
  }

  @Authorized()
  @Mutation(() => Model, { description: 'Change task, tags, license, description; visibility needs admin on the model' })
  updateModel(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('input', () => UpdateModelInput) input: UpdateModelInput,
    @Ctx() ctx: Context,
  ): Promise<Model> {
    return ctx.services.catalog.update(ctx.principal!, owner, name, input);
  }

  @Authorized()
  @Mutation(() => ModelVersion, { description: 'Points alias (e.g. production) at version number, creating or moving it' })
  setModelAlias(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('alias', () => String) alias: string,
    @Arg('number', () => Int) number: number,
    @Ctx() ctx: Context,
  ): Promise<ModelVersion> {
    return ctx.services.catalog.setAlias(ctx.principal!, owner, name, alias, number);
  }

  // Each of these answers at once (no promise) what the catalog page read with the model.
  @FieldResolver(() => String, { description: 'Handle of the user or organization that owns it' })
  owner(@Root() model: Model, @Ctx() ctx: Context): string | Promise<string> {
    const known = prefetchedWith(model);
    if (known?.owner !== undefined) return known.owner ?? '';
    return ctx.loaders.ownerHandle.load(model.ownerId).then((handle) => handle ?? '');
  }

  @FieldResolver(() => [ModelVersion], { description: 'Newest first' })
  versions(@Root() model: Model, @Ctx() ctx: Context): Promise<ModelVersion[]> {
    return ctx.loaders.modelVersions.load(model.id);
  }

  @FieldResolver(() => ModelVersion, {
    nullable: true,
    description: 'The newest PUBLISHED version (drafts and deprecated versions do not count), the same for every reader; null if none',
  })
  latestVersion(@Root() model: Model, @Ctx() ctx: Context): ModelVersion | null | Promise<ModelVersion | null> {
    const known = prefetchedWith(model);
    if (known?.latestVersion !== undefined) return known.latestVersion;
    return ctx.loaders.latestModelVersion.load(model.id);
  }

  @FieldResolver(() => [ModelAliasRef], { description: 'By name' })
  aliases(@Root() model: Model, @Ctx() ctx: Context): ModelAliasRef[] | Promise<ModelAliasRef[]> {
    return prefetchedWith(model)?.aliases ?? ctx.loaders.modelAliases.load(model.id);
  }
}
