import { Arg, Authorized, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, registerEnumType, Resolver, Root } from 'type-graphql';
import { Scope } from '../accounts/scopes.js';
import { User } from '../accounts/user.entity.js';
import type { Context } from '../graphql/context.js';
import { Dataset } from './dataset.entity.js';

export enum DatasetRole {
  READ = 'read',
  WRITE = 'write',
  ADMIN = 'admin',
}
registerEnumType(DatasetRole, { name: 'DatasetRole' });

@ObjectType('DatasetCollaborator')
class DatasetCollaborator {
  @Field(() => User) user: User;
  @Field(() => DatasetRole) role: DatasetRole;
  @Field(() => Date) createdAt: Date;
}

@ObjectType('DatasetAccessRequest')
class DatasetAccessRequest {
  @Field(() => ID) id: string;
  @Field(() => User) requester: User;
  @Field(() => String) message: string;
  @Field(() => Date) createdAt: Date;
}

@Resolver(() => Dataset)
export class DatasetSharingResolver {
  @Authorized(Scope.DATASETS_WRITE)
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

  @Authorized(Scope.DATASETS_WRITE)
  @Mutation(() => Boolean, { description: 'Approve (read access) or deny a pending access request; the requester is told' })
  decideDatasetAccessRequest(@Arg('id', () => ID) id: string, @Arg('approve', () => Boolean) approve: boolean, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.datasetSharing.decide(ctx.principal!, id, approve);
  }

  @Authorized()
  @FieldResolver(() => [DatasetCollaborator], { description: 'Visible to those who can write to the dataset' })
  async collaborators(@Root() dataset: Dataset, @Ctx() ctx: Context): Promise<DatasetCollaborator[]> {
    const rows = await ctx.services.datasetSharing.collaborators(ctx.principal!, dataset);
    const users = await ctx.loaders.user.loadMany(rows.map((r) => r.userId));
    return rows.flatMap((r, i) => (users[i] instanceof User ? [{ user: users[i] as User, role: r.role as DatasetRole, createdAt: r.createdAt }] : []));
  }

  @Authorized()
  @FieldResolver(() => [DatasetAccessRequest], { description: 'Pending access requests; visible to the dataset’s admins' })
  async accessRequests(@Root() dataset: Dataset, @Ctx() ctx: Context): Promise<DatasetAccessRequest[]> {
    const rows = await ctx.services.datasetSharing.pendingRequests(ctx.principal!, dataset);
    const users = await ctx.loaders.user.loadMany(rows.map((r) => r.requesterId));
    return rows.flatMap((r, i) => (users[i] instanceof User ? [{ id: r.id, message: r.message, createdAt: r.createdAt, requester: users[i] as User }] : []));
  }
}
