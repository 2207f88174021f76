import { Field, Float, InputType, Int } from 'type-graphql';
import { Visibility } from '../accounts/index.js';
import { DeploymentAutoscalingInput } from './autoscale/autoscaling.types.js';
import { DeploymentVariantInput } from './split/variant.types.js';
import { VariantStickiness } from './split/variants.js';

@InputType()
export class DeploymentRequirementsInput {
  @Field(() => Boolean, { nullable: true, description: 'Only nodes with a GPU' }) gpu?: boolean | null;
  @Field(() => Float, { nullable: true, description: 'Only nodes with at least this much memory' }) minMemoryBytes?: number | null;
  @Field(() => [String], { nullable: true, description: 'Only nodes with all of these labels' }) labels?: string[] | null;
}

@InputType()
export class DeploymentBatchingInput {
  @Field(() => Int, { nullable: true, description: '1–1024 rows per predict call (default 32; 1 turns batching off)' }) maxBatchSize?: number | null;
  @Field(() => Int, { nullable: true, description: '0–1000 ms the first request of a batch waits for others (default 2)' }) maxQueueDelayMs?: number | null;
}

@InputType()
export class DeploymentLimitsInput {
  @Field(() => Float, { nullable: true, description: 'Requests per second for every caller together' }) requestsPerSecond?: number | null;
  @Field(() => Int, { nullable: true, description: 'Requests per day (UTC) for every caller together' }) dailyRequests?: number | null;
}

@InputType()
export class CreateDeploymentInput {
  @Field(() => String, { nullable: true, description: 'A user or organization handle (default: you)' }) owner?: string | null;
  @Field(() => String) name: string;
  @Field(() => String, { description: 'The model, "owner/name"' }) model: string;
  @Field(() => Int, { nullable: true, description: 'Serve this version (default: the newest); not with alias' }) version?: number | null;
  @Field(() => String, { nullable: true, description: 'Follow this alias: the deployment moves when it moves' }) alias?: string | null;
  @Field(() => Int, { nullable: true, description: '0–64 (default 1)' }) minReplicas?: number | null;
  @Field(() => Int, { nullable: true, description: '1–64, at least minReplicas' }) maxReplicas?: number | null;
  @Field(() => DeploymentRequirementsInput, { nullable: true }) requirements?: DeploymentRequirementsInput | null;
  @Field(() => DeploymentBatchingInput, { nullable: true }) batching?: DeploymentBatchingInput | null;
  @Field(() => DeploymentLimitsInput, { nullable: true }) limits?: DeploymentLimitsInput | null;
  @Field(() => Visibility, { nullable: true, description: 'Default PRIVATE' }) visibility?: Visibility | null;
  @Field(() => [DeploymentVariantInput], { nullable: true, description: `A traffic split: 1–4 variants served under the deployment's name (not with version or alias)` }) variants?: DeploymentVariantInput[] | null;
  @Field(() => VariantStickiness, { nullable: true, description: 'How requests stick to a variant (default REQUEST)' }) stickiness?: VariantStickiness | null;
  @Field(() => DeploymentAutoscalingInput, { nullable: true, description: 'Scale between minReplicas and maxReplicas with demand (default: kept at minReplicas)' }) autoscaling?: DeploymentAutoscalingInput | null;
}

@InputType()
export class UpdateDeploymentInput {
  @Field(() => Int, { nullable: true, description: 'Serve this version (a rolling update); stops following an alias' }) version?: number | null;
  @Field(() => String, { nullable: true, description: 'Follow this alias' }) alias?: string | null;
  @Field(() => Int, { nullable: true }) minReplicas?: number | null;
  @Field(() => Int, { nullable: true }) maxReplicas?: number | null;
  @Field(() => DeploymentRequirementsInput, { nullable: true }) requirements?: DeploymentRequirementsInput | null;
  @Field(() => DeploymentBatchingInput, { nullable: true }) batching?: DeploymentBatchingInput | null;
  @Field(() => DeploymentLimitsInput, { nullable: true }) limits?: DeploymentLimitsInput | null;
  @Field(() => Visibility, { nullable: true }) visibility?: Visibility | null;
  @Field(() => [DeploymentVariantInput], { nullable: true, description: 'Replace the traffic split (version or alias instead: a split of one)' }) variants?: DeploymentVariantInput[] | null;
  @Field(() => VariantStickiness, { nullable: true }) stickiness?: VariantStickiness | null;
  @Field(() => DeploymentAutoscalingInput, { nullable: true, description: 'Turn autoscaling on or change its settings (the fields given); null turns it off' }) autoscaling?: DeploymentAutoscalingInput | null;
}
