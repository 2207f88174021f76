import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { User } from '../accounts/index.js';
import { ADMIN } from '../graphql/auth-checker.js';
import { ConnectionType, PageArgs, type Page } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { RegisterNodeInput, RegisterNodePayload } from './compute.inputs.js';
import { Node, NodeStatus, nodeStatus } from './node.entity.js';

const NodeConnection = ConnectionType(Node, 'Node');

function ownerOrAdmin(node: Node, ctx: Context): boolean {
  const user = ctx.principal?.user;
  return !!user && (user.isAdmin || user.id === node.ownerId);
}

@Resolver(() => Node)
export class NodeResolver {
  @Authorized()
  @Query(() => NodeConnection, { description: 'Your compute nodes, newest first' })
  myNodes(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Page<Node>> {
    return ctx.services.nodes.mine(ctx.principal!, page);
  }

  @Authorized()
  @Query(() => NodeConnection, { description: 'Every node in the network' })
  network(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('status', () => NodeStatus, { nullable: true }) status: NodeStatus | null,
    @Ctx() ctx: Context,
  ): Promise<Page<Node>> {
    return ctx.services.nodes.network({ ...page, status });
  }

  @Authorized()
  @Query(() => Node)
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Node> {
    return ctx.services.nodes.get(id);
  }

  @Authorized()
  @Mutation(() => RegisterNodePayload, { description: 'Register a compute node; its token is shown once' })
  registerNode(@Arg('input', () => RegisterNodeInput) input: RegisterNodeInput, @Ctx() ctx: Context): Promise<RegisterNodePayload> {
    return ctx.services.nodes.register(ctx.principal!.user.id, input.name);
  }

  @Authorized()
  @Mutation(() => Node, { description: 'Stop giving the node new work; what it runs finishes' })
  drainNode(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Node> {
    return ctx.services.nodes.setFlags(ctx.principal!, id, { draining: true });
  }

  @Authorized()
  @Mutation(() => Node, { description: 'Take the node out of the network until enabled again' })
  disableNode(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Node> {
    return ctx.services.nodes.setFlags(ctx.principal!, id, { disabled: true });
  }

  @Authorized()
  @Mutation(() => Node, { description: 'Undo disable and drain' })
  enableNode(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Node> {
    return ctx.services.nodes.setFlags(ctx.principal!, id, { disabled: false, draining: false });
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Delete the node and revoke its token' })
  deleteNode(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.nodes.delete(ctx.principal!, id);
  }

  @Authorized(ADMIN)
  @Mutation(() => Node, { description: 'Admins: keep a misbehaving node from getting work' })
  quarantineNode(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: Context): Promise<Node> {
    return ctx.services.nodes.quarantine(id, reason);
  }

  @Authorized(ADMIN)
  @Mutation(() => Node)
  releaseNodeFromQuarantine(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Node> {
    return ctx.services.nodes.quarantine(id, null);
  }

  @Authorized()
  @Subscription(() => Node, {
    topics: 'NODE_CHANGED',
    filter: ({ payload, args, context }: { payload: Node; args: { mine?: boolean | null }; context: Context }) =>
      !args.mine || payload.ownerId === context.principal?.user.id,
    description: 'Nodes as they change: status, capabilities, load, speed',
  })
  nodeChanged(@Root() node: Node, @Arg('mine', () => Boolean, { nullable: true }) _mine: boolean | null): Node {
    return node;
  }

  @FieldResolver(() => NodeStatus)
  status(@Root() node: Node): NodeStatus {
    return nodeStatus(node);
  }

  @FieldResolver(() => User, { nullable: true })
  owner(@Root() node: Node, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.user.load(node.ownerId);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Why it is quarantined: admins and its owner only (null to others)' })
  quarantineReason(@Root() node: Node, @Ctx() ctx: Context): string | null {
    return ownerOrAdmin(node, ctx) ? node.quarantineReason : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Set when its claimed speed disagrees with its measured speed (it then loses priority): admins and its owner only',
  })
  speedFlag(@Root() node: Node, @Ctx() ctx: Context): string | null {
    return ownerOrAdmin(node, ctx) ? node.speedFlag : null;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Jobs it gave back or failed within seconds of getting them: admins and its owner only' })
  giveBacks(@Root() node: Node, @Ctx() ctx: Context): number | null {
    return ownerOrAdmin(node, ctx) ? node.giveBacks : null;
  }

  @FieldResolver(() => Date, { nullable: true, description: 'Offered no jobs until then, after repeated give-backs: admins and its owner only' })
  throttledUntil(@Root() node: Node, @Ctx() ctx: Context): Date | null {
    return ownerOrAdmin(node, ctx) && node.throttledUntil && node.throttledUntil > new Date() ? node.throttledUntil : null;
  }

  @FieldResolver(() => Int, { description: 'Jobs it holds now (on this hub)' })
  runningJobs(@Root() node: Node, @Ctx() ctx: Context): number {
    return ctx.services.scheduler.session(node.id)?.held.size ?? 0;
  }
}
