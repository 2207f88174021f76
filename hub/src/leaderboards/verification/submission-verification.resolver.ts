/** BenchmarkSubmission.verification: how the submission's evaluation was verified, to whoever sees the submission. */
import { Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { BenchmarkSubmission } from '../submission.types.js';

@ObjectType('SubmissionVerification', { description: 'How the hub verified a submission’s evaluation before scoring it (docs/evaluation.md, Verified evaluation)' })
export class SubmissionVerification {
  @Field(() => Int, { description: 'The evaluation’s round: more than 1 when it was re-run because a node that ran it was quarantined' }) round: number;
  @Field(() => Int, { description: 'Runs in this round, on nodes of different owners (queued, returned or failed)' }) runs: number;
  @Field(() => Int, { description: 'Returned runs whose predictions agreed with the accepted one' }) agreeingRuns: number;
  @Field(() => Int, { description: 'Returned runs whose predictions passed the hub’s own spot check' }) spotChecksPassed: number;
  @Field(() => String, { description: 'QUORUM (agreeing runs of different owners), SPOT_CHECKED (one trusted node’s run, checked by the hub), or WAITING' }) state: string;
}

@Resolver(() => BenchmarkSubmission)
export class SubmissionVerificationResolver {
  @FieldResolver(() => SubmissionVerification, { description: 'How its evaluation was verified' })
  verification(@Root() submission: BenchmarkSubmission, @Ctx() ctx: Context): Promise<SubmissionVerification> {
    return ctx.services.evaluationVerifier.verification(submission.id);
  }
}
