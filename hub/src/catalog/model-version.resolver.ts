import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { ANYONE } from '../graphql/auth-checker.js';
import type { Context } from '../graphql/context.js';
import { ModelFile, ModelVersion } from './model-version.entity.js';

@Resolver(() => ModelVersion)
export class ModelVersionResolver {
  @Authorized(ANYONE)
  @Query(() => ModelVersion, { description: 'A version of owner/name; the latest when number is omitted' })
  modelVersion(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('number', () => Int, { nullable: true }) number: number | null,
    @Ctx() ctx: Context,
  ): Promise<ModelVersion> {
    return ctx.services.catalog.version(ctx.principal, owner, name, number == null ? null : { number });
  }

  @FieldResolver(() => [ModelFile], { description: 'model.json and its weight shards' })
  files(@Root() version: ModelVersion): ModelFile[] {
    return Object.entries(version.files).map(([path, f]) => ({ path, sha256: f.sha256, size: f.size }));
  }
}
