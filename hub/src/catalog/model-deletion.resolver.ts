import { Arg, Authorized, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context.js';

/** Deleting models, versions and aliases (rules in model-deletion.service.ts). */
@Resolver()
export class ModelDeletionResolver {
  @Authorized()
  @Mutation(() => Boolean, { description: 'Delete a model, its versions and aliases (admin on the model). Forks keep working.' })
  deleteModel(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.modelDeletion.deleteModel(ctx.principal!, owner, name);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Delete one version (admin on the model). CONFLICT while an alias points at it: move or remove the alias first. Its number is never reused.',
  })
  deleteModelVersion(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('number', () => Int) number: number,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.modelDeletion.deleteVersion(ctx.principal!, owner, name, number);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Remove an alias (write access on the model)' })
  deleteModelAlias(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('alias', () => String) alias: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.modelDeletion.deleteAlias(ctx.principal!, owner, name, alias);
  }
}
