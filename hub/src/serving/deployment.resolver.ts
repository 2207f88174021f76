import { Arg, Args, Authorized, Ctx, Field, FieldResolver, Mutation, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { MISSING_CATEGORY } from '../../../schema/index.js';
import { Model, ModelVersion } from '../catalog/index.js';
import { ConnectionType, PageArgs, type Page } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { whileReadable } from '../graphql/while-readable.js';
import { notFound } from '../errors.js';
import { CreateDeploymentInput, UpdateDeploymentInput } from './deployment.inputs.js';
import { Deployment } from './deployment.entity.js';
import { Replica } from './deployment-replica.entity.js';

const DeploymentConnection = ConnectionType(Deployment, 'Deployment');

@ObjectType('DeploymentFeature', { description: 'One input of the served version, in input order' })
export class DeploymentFeature {
  @Field(() => String) name: string;
  @Field(() => String, { description: 'number, integer, boolean or category' }) type: string;
  @Field(() => [String], { nullable: true, description: 'The categories it knows (one-hot features)' }) categories: string[] | null;
}

@ObjectType('DeploymentEndpoints', { description: 'Where to call it (paths on this hub)' })
export class DeploymentEndpoints {
  @Field(() => String, { description: 'TF Serving REST: POST with {"instances": [...]}' }) tfServing: string;
  @Field(() => String, { description: 'KServe Open Inference Protocol v2: POST with {"inputs": [...]}' }) kserve: string;
}

@Resolver(() => Deployment)
export class DeploymentResolver {
  @Query(() => Deployment, { description: 'A deployment you may see (NOT_FOUND otherwise)' })
  deployment(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<Deployment> {
    return ctx.services.deployments.get(ctx.principal, owner, name);
  }

  @Query(() => DeploymentConnection, { description: 'Deployments you may see, newest first' })
  deployments(
    @Arg('owner', () => String, { nullable: true, description: 'A user or organization handle' }) owner: string | null,
    @Arg('model', () => String, { nullable: true, description: 'Only those serving this model, "owner/name"' }) model: string | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<Page<Deployment>> {
    return ctx.services.deployments.list(ctx.principal, { owner, model }, page);
  }

  @Authorized()
  @Mutation(() => Deployment, { description: 'Put a model version online' })
  createDeployment(@Arg('input', () => CreateDeploymentInput) input: CreateDeploymentInput, @Ctx() ctx: Context): Promise<Deployment> {
    return ctx.services.deployments.create(ctx.principal!, input);
  }

  @Authorized()
  @Mutation(() => Deployment, { description: 'Change a deployment; a new version rolls out replica by replica' })
  updateDeployment(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('input', () => UpdateDeploymentInput) input: UpdateDeploymentInput,
    @Ctx() ctx: Context,
  ): Promise<Deployment> {
    return ctx.services.deployments.update(ctx.principal!, owner, name, input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Stop every replica and remove the deployment' })
  deleteDeployment(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.deployments.delete(ctx.principal!, owner, name);
  }

  @Subscription(() => Deployment, {
    // A deployment you may not see is NOT_FOUND here too; each event re-reads it with your access.
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const { owner, name } = args as { owner: string; name: string };
      const d = await ctx.services.deployments.get(ctx.principal, owner, name);
      return whileReadable(ctx.services.events.subscribe('DEPLOYMENT_CHANGED', d.id), async () => {
        // Deleted (and a new one of the same name is another deployment) or no longer visible: the subscription ends.
        const now = await ctx.services.deployments.get(ctx.principal, owner, name);
        if (now.id !== d.id) throw notFound('Deployment');
      });
    },
    description: 'The deployment each time its status, replicas, load (at most about once a second) or settings change; ends when it is deleted or you may no longer see it',
  })
  async deploymentChanged(@Root() change: { id: string }, @Arg('owner', () => String) _owner: string, @Arg('name', () => String) _name: string, @Ctx() ctx: Context): Promise<Deployment> {
    const d = await ctx.services.deployments.byId(change.id);
    if (!d) throw notFound('Deployment');
    return d;
  }

  @FieldResolver(() => String, { description: 'Handle of the user or organization that owns it' })
  async owner(@Root() d: Deployment, @Ctx() ctx: Context): Promise<string> {
    return (await ctx.loaders.ownerHandle.load(d.ownerId)) ?? '';
  }

  @FieldResolver(() => Boolean, { description: 'Whether you may change it (split, rollout, scaling, budget, alerts) and delete it: its owner, its organization’s members, admins' })
  viewerCanChange(@Root() d: Deployment, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.deployments.canChange(ctx.principal, d);
  }

  @FieldResolver(() => String, { description: 'The model it serves, "owner/name"' })
  modelName(@Root() d: Deployment, @Ctx() ctx: Context): Promise<string> {
    return ctx.services.deployments.modelName(d);
  }

  @FieldResolver(() => Model)
  async model(@Root() d: Deployment, @Ctx() ctx: Context): Promise<Model> {
    const [owner, name] = (await ctx.services.deployments.modelName(d)).split('/');
    return ctx.services.catalog.byOwnerAndName(owner, name);
  }

  @FieldResolver(() => ModelVersion, { description: 'The version new replicas serve' })
  async version(@Root() d: Deployment, @Ctx() ctx: Context): Promise<ModelVersion> {
    const version = await ctx.services.deployments.versionOf(d);
    if (!version) throw notFound('Model version');
    return version;
  }

  @FieldResolver(() => [Replica], { description: 'Its replicas (serve jobs), oldest first' })
  replicas(@Root() d: Deployment, @Ctx() ctx: Context): Promise<Replica[]> {
    return ctx.services.deployments.replicas(d.id);
  }

  @FieldResolver(() => [DeploymentFeature], { description: 'The inputs a request names, from the served version’s signature' })
  async features(@Root() d: Deployment, @Ctx() ctx: Context): Promise<DeploymentFeature[]> {
    const served = await ctx.services.deployments.served(d);
    return served.features.map((f) => ({
      name: f.name,
      type: f.type,
      categories: f.preprocessing.kind === 'one_hot' ? f.preprocessing.vocabulary.filter((c) => c !== MISSING_CATEGORY) : null,
    }));
  }

  @FieldResolver(() => String, { description: 'classification or regression' })
  async task(@Root() d: Deployment, @Ctx() ctx: Context): Promise<string> {
    return (await ctx.services.deployments.served(d)).task;
  }

  @FieldResolver(() => [String], { description: 'Classes in output order (classifiers); empty for regressors' })
  async labels(@Root() d: Deployment, @Ctx() ctx: Context): Promise<string[]> {
    return (await ctx.services.deployments.served(d)).labels;
  }

  @FieldResolver(() => String, { description: 'The column the model was trained to predict' })
  async labelName(@Root() d: Deployment, @Ctx() ctx: Context): Promise<string> {
    return (await ctx.services.deployments.served(d)).labelName;
  }

  @FieldResolver(() => DeploymentEndpoints)
  async endpoints(@Root() d: Deployment, @Ctx() ctx: Context): Promise<DeploymentEndpoints> {
    const model = `${(await ctx.loaders.ownerHandle.load(d.ownerId)) ?? ''}.${d.name}`;
    return { tfServing: `/v1/models/${model}:predict`, kserve: `/v2/models/${model}/infer` };
  }
}

