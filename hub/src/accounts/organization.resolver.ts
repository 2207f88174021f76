import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, PageArgs, type Page } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { notFound } from '../errors.js';
import { CreateOrganizationInput, MemberInput, UpdateOrganizationInput } from './accounts.inputs.js';
import { Membership, OrgRole } from './membership.entity.js';
import { Organization } from './organization.entity.js';
import { User } from './user.entity.js';

const OrganizationConnection = ConnectionType(Organization, 'Organization');
const MembershipConnection = ConnectionType(Membership, 'Membership');

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => Organization)
  organization(@Arg('handle', () => String) handle: string, @Ctx() ctx: Context): Promise<Organization> {
    return ctx.services.organizations.byHandle(handle);
  }

  @Authorized()
  @Query(() => OrganizationConnection, { description: 'Organizations you belong to' })
  myOrganizations(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Page<Organization>> {
    return ctx.services.organizations.myOrganizations(ctx.principal!, page);
  }

  @Authorized()
  @Mutation(() => Organization, { description: 'Create an organization; you become its owner' })
  createOrganization(@Arg('input', () => CreateOrganizationInput) input: CreateOrganizationInput, @Ctx() ctx: Context): Promise<Organization> {
    return ctx.services.organizations.create(ctx.principal!, input);
  }

  @Authorized()
  @Mutation(() => Organization, { description: 'Admins and owners' })
  updateOrganization(
    @Arg('handle', () => String) handle: string,
    @Arg('input', () => UpdateOrganizationInput) input: UpdateOrganizationInput,
    @Ctx() ctx: Context,
  ): Promise<Organization> {
    return ctx.services.organizations.update(ctx.principal!, handle, input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Owners only' })
  deleteOrganization(@Arg('handle', () => String) handle: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.organizations.delete(ctx.principal!, handle);
  }

  @Authorized()
  @Mutation(() => Membership, { description: 'Admins add members and admins; only owners add owners' })
  addOrganizationMember(@Arg('input', () => MemberInput) input: MemberInput, @Ctx() ctx: Context): Promise<Membership> {
    return ctx.services.organizations.addMember(ctx.principal!, input.organization, input.username, input.role ?? OrgRole.MEMBER);
  }

  @Authorized()
  @Mutation(() => Membership, { description: 'Admins change roles below owner; only owners grant or change owner' })
  setOrganizationMemberRole(@Arg('input', () => MemberInput) input: MemberInput, @Ctx() ctx: Context): Promise<Membership> {
    return ctx.services.organizations.setRole(ctx.principal!, input.organization, input.username, input.role ?? OrgRole.MEMBER);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Remove a member, or leave (your own username). The last owner cannot leave.' })
  removeOrganizationMember(
    @Arg('organization', () => String) organization: string,
    @Arg('username', () => String) username: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.organizations.removeMember(ctx.principal!, organization, username);
  }

  @Authorized()
  @FieldResolver(() => MembershipConnection, { description: 'Visible to members' })
  members(@Root() org: Organization, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Page<Membership>> {
    return ctx.services.organizations.members(ctx.principal!, org, page);
  }

  @FieldResolver(() => OrgRole, { nullable: true, description: 'Your role here, if you are a member' })
  async viewerRole(@Root() org: Organization, @Ctx() ctx: Context): Promise<OrgRole | null> {
    if (!ctx.principal) return null;
    return (await ctx.services.organizations.roleOf(ctx.principal.user.id, org.id)) ?? null;
  }
}

@Resolver(() => Membership)
export class MembershipResolver {
  @FieldResolver(() => User)
  async user(@Root() m: Membership, @Ctx() ctx: Context): Promise<User> {
    return (await ctx.loaders.user.load(m.userId)) ?? Promise.reject(notFound('User'));
  }

  @FieldResolver(() => Organization)
  async organization(@Root() m: Membership, @Ctx() ctx: Context): Promise<Organization> {
    return (await ctx.loaders.organization.load(m.organizationId)) ?? Promise.reject(notFound('Organization'));
  }
}
