/** GraphQL shapes of a split deployment: its variants (in and out) and its shadows' figures. */
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';

@InputType('DeploymentVariantInput', { description: 'One variant of a split deployment: a version (or an alias it follows) and its weight' })
export class DeploymentVariantInput {
  @Field(() => Int, { nullable: true, description: 'Serve this version; not with alias' }) version?: number | null;
  @Field(() => String, { nullable: true, description: 'Follow this alias: the variant moves when it moves' }) alias?: string | null;
  @Field(() => Int, { description: 'Non-shadow: percent of requests it answers (0–100; the non-shadow weights add up to 100). Shadow: percent of requests copied to it (1–100)' })
  weight: number;
  @Field(() => Boolean, { nullable: true, description: 'A shadow: gets a copy of its share of the requests; its answers are compared, never returned (default false)' })
  shadow?: boolean | null;
}

@ObjectType('DeploymentVariant', { description: 'One version a deployment serves under its name, with its weight' })
export class DeploymentVariant {
  @Field(() => Int) versionNumber: number;
  @Field(() => String, { nullable: true, description: 'The alias it follows; null when pinned to the version' }) alias: string | null;
  @Field(() => Int, { description: 'Percent of requests it answers (a shadow: percent copied to it)' }) weight: number;
  @Field(() => Boolean) shadow: boolean;
  @Field(() => Int, { description: 'Replicas it is kept at (the deployment’s minReplicas divided by weight, at least one each)' }) replicas: number;
}

@ObjectType('ShadowStats', { description: 'A shadow variant’s traffic compared with the answers callers got, summed over every hub' })
export class ShadowStats {
  @Field(() => Int, { description: 'The shadow variant’s version' }) versionNumber: number;
  @Field(() => Int, { description: 'Copies of requests sent to it' }) requests: number;
  @Field(() => Int, { description: 'Copies it failed (or did not answer before the caller’s deadline)' }) errors: number;
  @Field(() => Float, { description: 'Records compared (both it and the caller’s variant answered)' }) comparedRecords: number;
  @Field(() => Float, { description: 'Records on which it agreed with the caller’s answer' }) agreedRecords: number;
  @Field(() => Float, { nullable: true, description: 'agreedRecords / comparedRecords; null before any record was compared' }) agreementRate: number | null;
  @Field(() => Float, { nullable: true, description: 'Median hub-measured latency of its answers, ms' }) latencyP50Ms: number | null;
  @Field(() => Float, { nullable: true }) latencyP99Ms: number | null;
  @Field(() => Float, { nullable: true, description: 'Median latency of the answers callers got for the same requests, ms' }) primaryLatencyP50Ms: number | null;
  @Field(() => Float, { nullable: true }) primaryLatencyP99Ms: number | null;
}
