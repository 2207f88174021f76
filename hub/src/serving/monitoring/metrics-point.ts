import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BatchSizeCount } from '../quotas/deployment-stats.js';

export enum MetricsBreakdown {
  DEPLOYMENT = 'DEPLOYMENT',
  VERSION = 'VERSION',
  REPLICA = 'REPLICA',
}
registerEnumType(MetricsBreakdown, {
  name: 'MetricsBreakdown',
  description: 'How points are split: one series for the deployment, one per model version, or one per version and replica',
});

@ObjectType('StatusCount', { description: 'Failed requests with one error code' })
export class StatusCount {
  @Field(() => String, { description: 'The error code (INTERNAL, UNAVAILABLE, DEADLINE_EXCEEDED, BAD_USER_INPUT, …)' })
  status: string;

  @Field(() => Int)
  count: number;
}

@ObjectType('MetricsPoint', { description: "One step of a deployment's metrics, summed over every hub" })
export class MetricsPoint {
  @Field(() => Date, { description: 'Start of the step' })
  start: Date;

  @Field(() => Int, { nullable: true, description: 'The model version (VERSION and REPLICA breakdowns): the one that answered, or the one asked for when none did' })
  version: number | null;

  @Field(() => String, { nullable: true, description: 'The replica (serve job id) in the REPLICA breakdown; null for requests no replica answered and for the replica counts' })
  replica: string | null;

  @Field(() => Int)
  requests: number;

  @Field(() => Float)
  requestsPerSecond: number;

  @Field(() => Int)
  errors: number;

  @Field(() => Float, { description: 'Failed requests over requests, 0 without requests' })
  errorRate: number;

  @Field(() => [StatusCount], { description: 'Failed requests by error code' })
  errorsByStatus: StatusCount[];

  @Field(() => Float, { nullable: true, description: 'Median hub-measured latency in ms (estimated within a histogram bucket); null without requests' })
  p50Ms: number | null;

  @Field(() => Float, { nullable: true })
  p95Ms: number | null;

  @Field(() => Float, { nullable: true })
  p99Ms: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean rows of the predict calls that answered the requests' })
  meanBatchSize: number | null;

  @Field(() => [BatchSizeCount])
  batchSizes: BatchSizeCount[];

  @Field(() => Float, { nullable: true, description: 'Mean requests waiting for a batch on a replica (agent-reported); null without ready replicas' })
  queueLength: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean requests running on a replica (agent-reported)' })
  inFlight: number | null;

  @Field(() => Float, { nullable: true, description: 'Replicas ready, averaged over the step' })
  replicasReady: number | null;

  @Field(() => Float, { nullable: true, description: 'Replicas wanted, averaged over the step' })
  replicasWanted: number | null;

  @Field(() => Float, { nullable: true, description: "Mean CPU load per core of the serving nodes (1: every core busy), from the nodes' heartbeats" })
  cpuLoad: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean memory in use on the serving nodes, in bytes, from their heartbeats' })
  memoryBytes: number | null;
}

@ObjectType('DeploymentMetrics', { description: "A deployment's metrics over a range" })
export class DeploymentMetrics {
  @Field(() => Int, { description: 'Seconds per point' })
  step: number;

  @Field(() => Int, { description: 'Resolution in seconds of the stored tier the points were read from (finer tiers fill in what it has not rolled up yet)' })
  resolution: number;

  @Field(() => [MetricsPoint], { description: 'Ordered by start, then version and replica; the DEPLOYMENT breakdown has a point for every step' })
  points: MetricsPoint[];
}
