import DataLoader from 'dataloader';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, registerEnumType, Resolver, Root } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { AccessRequestType, collaboratorsWithUsers, CollaboratorType, requestsWithUsers, type AccessRequestShape, type CollaboratorShape } from '../sharing/index.js';
import { ForkModelInput } from './model-forks.input.js';
import { Model } from './model.entity.js';

export enum ModelRole {
  READ = 'read',
  WRITE = 'write',
  ADMIN = 'admin',
}
registerEnumType(ModelRole, { name: 'ModelRole', description: 'READ: see and download; WRITE: also upload, publish, move aliases; ADMIN: also visibility, collaborators, delete' });

const ModelCollaborator = CollaboratorType('Model', ModelRole);
const ModelAccessRequest = AccessRequestType('Model');

/** Per-request batching for fields a page of models asks for: one statement per field, not per model. */
const perRequest = new WeakMap<Context, { starred: DataLoader<string, boolean>; forks: DataLoader<string, number> }>();
function loaders(ctx: Context) {
  let found = perRequest.get(ctx);
  if (!found) {
    const sharing = ctx.services.modelSharing;
    found = {
      starred: new DataLoader(async (ids) => {
        if (!ctx.principal) return ids.map(() => false);
        const starred = await sharing.starredAmong(ctx.principal.user.id, ids);
        return ids.map((id) => starred.has(id));
      }),
      forks: new DataLoader(async (ids) => {
        const counts = await sharing.forkCounts(ctx.principal, ids);
        return ids.map((id) => counts.get(id) ?? 0);
      }),
    };
    perRequest.set(ctx, found);
  }
  return found;
}

/** Sharing models: collaborators, access requests, stars and forks. */
@Resolver(() => Model)
export class ModelSharingResolver {
  @Authorized()
  @Mutation(() => Boolean, { description: 'Give someone a role on a model, or (role null) take it away. Needs admin on the model.' })
  setModelCollaborator(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('username', () => String) username: string,
    @Arg('role', () => ModelRole, { nullable: true }) role: ModelRole | null,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.modelSharing.setCollaborator(ctx.principal!, owner, name, username, role);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Ask the admins of a model for read access. Always true: it never tells whether a private model exists.' })
  requestModelAccess(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('message', () => String, { nullable: true }) message: string | null,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.modelSharing.requestAccess(ctx.principal!, owner, name, message ?? '');
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Approve (read access) or deny a pending access request to a model; the requester is told' })
  decideModelAccessRequest(@Arg('id', () => ID) id: string, @Arg('approve', () => Boolean) approve: boolean, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.modelSharing.decide(ctx.principal!, id, approve);
  }

  @Authorized()
  @Mutation(() => Model, { description: 'Star (or, with starred: false, unstar) a model you can see' })
  starModel(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('starred', () => Boolean, { nullable: true, defaultValue: true }) starred: boolean,
    @Ctx() ctx: Context,
  ): Promise<Model> {
    return ctx.services.modelSharing.star(ctx.principal!, owner, name, starred);
  }

  @Authorized()
  @Mutation(() => Model, {
    description: 'Copy a model you can read under you (or one of your organizations): every version as a draft, naming the same files. CONFLICT if the name is taken.',
  })
  forkModel(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('input', () => ForkModelInput, { nullable: true }) input: ForkModelInput | null,
    @Ctx() ctx: Context,
  ): Promise<Model> {
    return ctx.services.modelForks.fork(ctx.principal!, owner, name, input ?? {});
  }

  @Authorized()
  @FieldResolver(() => [ModelCollaborator], { description: 'Visible to those who can write to the model' })
  async collaborators(@Root() model: Model, @Ctx() ctx: Context): Promise<CollaboratorShape<ModelRole>[]> {
    return collaboratorsWithUsers(await ctx.services.modelSharing.collaborators(ctx.principal!, model), ctx.loaders.user);
  }

  @Authorized()
  @FieldResolver(() => [ModelAccessRequest], { description: 'Pending access requests; visible to the model’s admins' })
  async accessRequests(@Root() model: Model, @Ctx() ctx: Context): Promise<AccessRequestShape[]> {
    return requestsWithUsers(await ctx.services.modelSharing.pendingRequests(ctx.principal!, model), ctx.loaders.user);
  }

  @FieldResolver(() => ModelRole, { description: 'What you may do with it (READ, WRITE or ADMIN), so clients can show the right controls. Costs a query per model: ask for it on one model, not a catalog page.' })
  async viewerPermission(@Root() model: Model, @Ctx() ctx: Context): Promise<ModelRole> {
    return (await ctx.services.modelSharing.permission(ctx.principal, model)) as ModelRole;
  }

  @FieldResolver(() => Boolean, { description: 'Whether you starred it' })
  viewerHasStarred(@Root() model: Model, @Ctx() ctx: Context): Promise<boolean> {
    return loaders(ctx).starred.load(model.id);
  }

  @FieldResolver(() => Model, { nullable: true, description: 'The model this was forked from; null if none, deleted, or no longer visible to you' })
  forkedFrom(@Root() model: Model, @Ctx() ctx: Context): Promise<Model | null> {
    return ctx.services.modelSharing.forkedFrom(ctx.principal, model);
  }

  @FieldResolver(() => Int, { description: 'Forks of this model that you can see' })
  forks(@Root() model: Model, @Ctx() ctx: Context): Promise<number> {
    return loaders(ctx).forks.load(model.id);
  }
}
