import { Arg, Authorized, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { User } from '../accounts/index.js';
import { ADMIN } from '../graphql/auth-checker.js';
import type { Context } from '../graphql/context.js';
import { Node } from './node.entity.js';
import type { TrustList } from './trust.service.js';

@ObjectType('TrustList', {
  description:
    'Whom an owner trusts with jobs that read its non-public data, besides its own nodes (and, for an organization, its members’ nodes) and the operator-run nodes everyone trusts',
})
export class TrustListType {
  @Field(() => String, { description: 'The user or organization whose list it is' }) ownerHandle: string;
  @Field(() => String, { description: 'user or organization' }) ownerKind: string;
  @Field(() => [Node], { description: 'Nodes trusted one by one' }) nodes: Node[];
  @Field(() => [User], { description: 'Users all of whose nodes are trusted' }) providers: User[];
  @Field(() => [Node], { description: 'Nodes the hub’s operator runs: trusted by everyone' }) operatorRunNodes: Node[];
}

function view(list: TrustList): TrustListType {
  return Object.assign(new TrustListType(), {
    ownerHandle: list.owner.handle,
    ownerKind: list.owner.kind,
    nodes: list.nodes,
    providers: list.providers,
    operatorRunNodes: list.operatorRunNodes,
  });
}

const ORG = { nullable: true, description: 'An organization’s list instead of yours (members read it; admins and owners change it)' };

@Resolver()
export class TrustResolver {
  @Authorized()
  @Query(() => TrustListType, { description: 'Your trusted nodes and providers (or an organization’s)' })
  async trustList(@Arg('organization', () => String, ORG) organization: string | null, @Ctx() ctx: Context): Promise<TrustListType> {
    return view(await ctx.services.trust.list(ctx.principal!, organization));
  }

  @Authorized()
  @Mutation(() => TrustListType, { description: 'Trust a node (any node in the network, by id) with your non-public data' })
  async trustNode(@Arg('nodeId', () => ID) nodeId: string, @Arg('organization', () => String, ORG) organization: string | null, @Ctx() ctx: Context): Promise<TrustListType> {
    return view(await ctx.services.trust.trustNode(ctx.principal!, nodeId, organization));
  }

  @Authorized()
  @Mutation(() => TrustListType, { description: 'Stop trusting a node; jobs already running on it finish' })
  async untrustNode(@Arg('nodeId', () => ID) nodeId: string, @Arg('organization', () => String, ORG) organization: string | null, @Ctx() ctx: Context): Promise<TrustListType> {
    return view(await ctx.services.trust.untrustNode(ctx.principal!, nodeId, organization));
  }

  @Authorized()
  @Mutation(() => TrustListType, { description: 'Trust every node of a compute provider (a user), now and later' })
  async trustProvider(@Arg('username', () => String) username: string, @Arg('organization', () => String, ORG) organization: string | null, @Ctx() ctx: Context): Promise<TrustListType> {
    return view(await ctx.services.trust.trustProvider(ctx.principal!, username, organization));
  }

  @Authorized()
  @Mutation(() => TrustListType, { description: 'Stop trusting a provider’s nodes' })
  async untrustProvider(@Arg('username', () => String) username: string, @Arg('organization', () => String, ORG) organization: string | null, @Ctx() ctx: Context): Promise<TrustListType> {
    return view(await ctx.services.trust.untrustProvider(ctx.principal!, username, organization));
  }

  @Authorized(ADMIN)
  @Mutation(() => Node, { description: 'Admins: mark a node as run by the hub’s operator (trusted by every user) or not' })
  setNodeOperatorRun(@Arg('id', () => ID) id: string, @Arg('operatorRun', () => Boolean) operatorRun: boolean, @Ctx() ctx: Context): Promise<Node> {
    return ctx.services.nodes.setOperatorRun(id, operatorRun);
  }
}
