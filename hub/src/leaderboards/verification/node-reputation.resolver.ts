/** Node.evaluationRecord: a node's verified-evaluation record, to its owner and the platform admins. */
import { Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { Node } from '../../compute/index.js';
import type { Context } from '../../graphql/context.js';

@ObjectType('NodeEvaluationRecord', { description: 'How a node’s benchmark evaluations fared against other nodes and the hub’s own spot checks' })
export class NodeEvaluationRecord {
  @Field(() => Int, { description: 'Evaluations where it agreed with a quorum of other owners’ nodes' }) agreed: number;
  @Field(() => Int, { description: 'Evaluations where it disagreed with the quorum (it was quarantined)' }) disagreed: number;
  @Field(() => Int, { description: 'Spot checks (the hub predicting sampled rows itself) its predictions passed' }) spotChecksPassed: number;
  @Field(() => Int, { description: 'Spot checks its predictions failed (it was quarantined)' }) spotChecksFailed: number;
  @Field(() => Int, { description: 'Clean results in a row: agreements and passed spot checks since its last failure' }) cleanStreak: number;
  @Field(() => Boolean, { description: 'Its evaluations run once, checked by spot checks, instead of being replicated' }) trusted: boolean;
  @Field(() => Date, { nullable: true }) lastResultAt: Date | null;
}

@Resolver(() => Node)
export class NodeReputationResolver {
  @FieldResolver(() => NodeEvaluationRecord, { nullable: true, description: 'Its verified-evaluation record: its owner and admins only (null to others)' })
  evaluationRecord(@Root() node: Node, @Ctx() ctx: Context): Promise<NodeEvaluationRecord | null> {
    const user = ctx.principal?.user;
    if (!user || (!user.isAdmin && user.id !== node.ownerId)) return Promise.resolve(null);
    return ctx.services.evaluationVerifier.record(node.id);
  }
}
