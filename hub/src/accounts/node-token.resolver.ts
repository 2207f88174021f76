import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, PageArgs, type Page } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { NodeToken } from './node-token.entity.js';

const NodeTokenConnection = ConnectionType(NodeToken, 'NodeToken');

@Resolver(() => NodeToken)
export class NodeTokenResolver {
  @Authorized()
  @Query(() => NodeTokenConnection, { description: 'Compute nodes you registered, newest first' })
  nodeTokens(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('includeRevoked', () => Boolean, { nullable: true }) includeRevoked: boolean | null,
    @Ctx() ctx: Context,
  ): Promise<Page<NodeToken>> {
    return ctx.services.nodeTokens.list(ctx.principal!.user.id, { ...page, includeRevoked });
  }

  @Authorized()
  @Mutation(() => NodeToken, { description: 'Revoke a node token; a connected agent using it is disconnected' })
  revokeNodeToken(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<NodeToken> {
    return ctx.services.nodeTokens.revoke(ctx.principal!.user.id, id);
  }

  @FieldResolver(() => Boolean, { description: 'Whether an agent with this token is connected to this hub now' })
  connected(@Root() node: NodeToken, @Ctx() ctx: Context): boolean {
    return ctx.services.scheduler.isConnected(node.id);
  }
}
