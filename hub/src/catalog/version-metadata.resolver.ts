import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { ModelVersion } from './model-version.entity.js';
import { ModelLineage, ModelSignatureType, ModelVersionMetadataInput } from './version-metadata.js';

@Resolver(() => ModelVersion)
export class VersionMetadataResolver {
  @Authorized()
  @Mutation(() => ModelVersion, { description: 'State a draft’s features (with preprocessing), labels, metrics and lineage' })
  setModelVersionMetadata(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('number', () => Int) number: number,
    @Arg('input', () => ModelVersionMetadataInput) input: ModelVersionMetadataInput,
    @Ctx() ctx: Context,
  ): Promise<ModelVersion> {
    return ctx.services.versionMetadata.set(ctx.principal!, owner, name, number, input);
  }

  @FieldResolver(() => ModelSignatureType, { nullable: true, description: 'Tensors from loading the model, and the features and labels stated for it' })
  signature(@Root() version: ModelVersion, @Ctx() ctx: Context): ModelSignatureType | null {
    return ctx.services.versionMetadata.signatureOf(version);
  }

  @FieldResolver(() => ModelLineage, { nullable: true })
  lineage(@Root() version: ModelVersion, @Ctx() ctx: Context): Promise<ModelLineage | null> {
    return ctx.services.versionMetadata.lineageOf(ctx.principal, version);
  }
}
