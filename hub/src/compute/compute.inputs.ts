import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { NodeToken } from '../accounts/index.js';
import { JobStatus } from './job.entity.js';
import { Node } from './node.entity.js';

@InputType()
export class RegisterNodeInput {
  @Field(() => String) name: string;
}

@ObjectType()
export class RegisterNodePayload {
  @Field(() => NodeToken) nodeToken: NodeToken;
  @Field(() => Node) node: Node;
  @Field(() => String, { description: 'Pass to `npm run agent -- --token`. Shown this once.' }) token: string;
}

@InputType({ description: 'What a node must offer; every field is optional' })
export class JobRequirementsInput {
  @Field(() => Boolean, { nullable: true }) gpu?: boolean | null;
  @Field(() => Float, { nullable: true }) minMemoryBytes?: number | null;
  @Field(() => [String], { nullable: true, description: 'Any of these TF.js backends' }) backends?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'All of these labels' }) labels?: string[] | null;
  @Field(() => Boolean, { nullable: true, description: 'Only your nodes (or your organization members’ nodes)' }) ownNodesOnly?: boolean | null;
  @Field(() => ID, { nullable: true, description: 'Exactly this node' }) nodeId?: string | null;
}

@InputType()
export class SubmitJobInput {
  @Field(() => String, { description: 'echo or benchmark (other kinds are created by their domains)' }) kind: string;
  @Field(() => GraphQLJSON, { nullable: true }) payload?: unknown;
  @Field(() => Int, { nullable: true, description: '-100 to 100, default 0' }) priority?: number | null;
  @Field(() => Int, { nullable: true, description: '1 to 20, default 3' }) maxAttempts?: number | null;
  @Field(() => JobRequirementsInput, { nullable: true }) requirements?: JobRequirementsInput | null;
  @Field(() => String, { nullable: true, description: 'Organization handle the job belongs to' }) organization?: string | null;
}

@InputType()
export class JobFilter {
  @Field(() => JobStatus, { nullable: true }) status?: JobStatus | null;
  @Field(() => String, { nullable: true }) kind?: string | null;
  @Field(() => ID, { nullable: true }) nodeId?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Only jobs you submitted (not your organizations’)' }) mine?: boolean | null;
}
