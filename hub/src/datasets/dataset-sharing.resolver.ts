import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, registerEnumType, Resolver, Root } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { AccessRequestType, collaboratorsWithUsers, CollaboratorType, requestsWithUsers, type AccessRequestShape, type CollaboratorShape } from '../sharing/index.js';
import { Dataset } from './dataset.entity.js';

export enum DatasetRole {
  READ = 'read',
  WRITE = 'write',
  ADMIN = 'admin',
}
registerEnumType(DatasetRole, { name: 'DatasetRole' });

const DatasetCollaborator = CollaboratorType('Dataset', DatasetRole);
const DatasetAccessRequest = AccessRequestType('Dataset');

@Resolver(() => Dataset)
export class DatasetSharingResolver {
  @Authorized()
  @Mutation(() => Boolean, { description: 'Give someone a role on a dataset, or (role null) take it away. Needs admin on the dataset.' })
  setDatasetCollaborator(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('username', () => String) username: string,
    @Arg('role', () => DatasetRole, { nullable: true }) role: DatasetRole | null,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.datasetSharing.setCollaborator(ctx.principal!, owner, name, username, role);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Ask the admins of a dataset for read access. Always true: it never tells whether a private dataset exists.',
  })
  requestDatasetAccess(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('message', () => String, { nullable: true }) message: string | null,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.datasetSharing.requestAccess(ctx.principal!, owner, name, message ?? '');
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Approve (read access) or deny a pending access request; the requester is told' })
  decideDatasetAccessRequest(@Arg('id', () => ID) id: string, @Arg('approve', () => Boolean) approve: boolean, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.datasetSharing.decide(ctx.principal!, id, approve);
  }

  @Authorized()
  @FieldResolver(() => [DatasetCollaborator], { description: 'Visible to those who can write to the dataset' })
  async collaborators(@Root() dataset: Dataset, @Ctx() ctx: Context): Promise<CollaboratorShape<DatasetRole>[]> {
    return collaboratorsWithUsers(await ctx.services.datasetSharing.collaborators(ctx.principal!, dataset), ctx.loaders.user);
  }

  @FieldResolver(() => DatasetRole, {
    description: 'What you may do with it (READ, WRITE or ADMIN), so clients can show the right controls; READ for a visitor without an account',
  })
  async viewerPermission(@Root() dataset: Dataset, @Ctx() ctx: Context): Promise<DatasetRole> {
    return (await ctx.services.datasetSharing.permission(ctx.principal, dataset)) as DatasetRole;
  }

  @Authorized()
  @FieldResolver(() => [DatasetAccessRequest], { description: 'Pending access requests; visible to the dataset’s admins' })
  async accessRequests(@Root() dataset: Dataset, @Ctx() ctx: Context): Promise<AccessRequestShape[]> {
    return requestsWithUsers(await ctx.services.datasetSharing.pendingRequests(ctx.principal!, dataset), ctx.loaders.user);
  }
}
