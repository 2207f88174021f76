import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, PageArgs, type Page } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { Architecture } from './architecture.entity.js';
import { CreateArchitectureInput, UpdateArchitectureInput } from './architectures.inputs.js';
import { ModelSpecValidationType } from './model-spec-validation.type.js';
import type { ModelSpecValidation } from './model-spec-validator.js';

const ArchitectureConnection = ConnectionType(Architecture, 'Architecture');

@Resolver(() => Architecture)
export class ArchitectureResolver {
  @Authorized()
  @Query(() => ModelSpecValidationType, {
    description: 'Checks a model spec without saving it: per-layer output shapes and parameter counts, or every problem, located',
  })
  validateModelSpec(@Arg('spec', () => GraphQLJSON) spec: unknown, @Ctx() ctx: Context): Promise<ModelSpecValidation> {
    return ctx.services.architectures.validateSpec(spec);
  }

  @Authorized()
  @Query(() => Architecture, { description: 'The architecture owner/name (NOT_FOUND if private and not yours)' })
  architecture(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<Architecture> {
    return ctx.services.architectures.get(ctx.principal, owner, name);
  }

  @Authorized()
  @Query(() => ArchitectureConnection, { description: 'Public architectures, yours and your organizations’, newest first; only owner’s when given' })
  architectures(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('owner', () => String, { nullable: true }) owner: string | null,
    @Ctx() ctx: Context,
  ): Promise<Page<Architecture>> {
    return ctx.services.architectures.list(ctx.principal!, page, { owner });
  }

  @Authorized()
  @Mutation(() => Architecture, { description: 'Saves a spec as owner/name; CONFLICT if the owner has one of that name' })
  createArchitecture(@Arg('input', () => CreateArchitectureInput) input: CreateArchitectureInput, @Ctx() ctx: Context): Promise<Architecture> {
    return ctx.services.architectures.create(ctx.principal!, input);
  }

  @Authorized()
  @Mutation(() => Architecture, { description: 'Changes description, tags, visibility (needs admin) or the spec (validated again)' })
  updateArchitecture(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('input', () => UpdateArchitectureInput) input: UpdateArchitectureInput,
    @Ctx() ctx: Context,
  ): Promise<Architecture> {
    return ctx.services.architectures.update(ctx.principal!, owner, name, input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Deletes it; needs admin on it (owner, organization owner or admin)' })
  deleteArchitecture(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.architectures.delete(ctx.principal!, owner, name);
  }

  @FieldResolver(() => String, { description: 'Handle of the user or organization that owns it' })
  async owner(@Root() architecture: Architecture, @Ctx() ctx: Context): Promise<string> {
    const user = await ctx.loaders.user.load(architecture.ownerId);
    if (user) return user.username;
    return (await ctx.loaders.organization.load(architecture.ownerId))?.handle ?? '';
  }

  @FieldResolver(() => String, { description: 'sequential or functional' })
  kind(@Root() architecture: Architecture): string {
    return architecture.spec.kind;
  }

  @FieldResolver(() => Int, { description: 'Entries in the spec’s layers' })
  layerCount(@Root() architecture: Architecture): number {
    return architecture.summary.layers.length;
  }

  @FieldResolver(() => ModelSpecValidationType, { description: 'The validation of the spec as saved: inputs, outputs, layers with shapes and parameter counts' })
  summary(@Root() architecture: Architecture): ModelSpecValidation {
    return architecture.summary;
  }
}
