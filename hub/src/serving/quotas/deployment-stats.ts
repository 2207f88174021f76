import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType('BatchSizeCount', { description: 'Requests answered by predict calls of up to `size` rows (sizes above 8 are grouped)' })
export class BatchSizeCount {
  @Field(() => Int)
  size: number;

  @Field(() => Int)
  count: number;
}

@ObjectType('DeploymentStats', { description: "A deployment's traffic over the last minute, summed over every hub" })
export class DeploymentStats {
  @Field(() => Float)
  requestsPerSecond: number;

  @Field(() => Float, { nullable: true, description: 'Median hub-measured latency in milliseconds; null without requests' })
  p50Ms: number | null;

  @Field(() => Float, { nullable: true, description: '99th percentile hub-measured latency in milliseconds; null without requests' })
  p99Ms: number | null;

  @Field(() => Float, { description: 'Share of requests that failed, 0 to 1' })
  errorRate: number;

  @Field(() => [BatchSizeCount])
  batchSizes: BatchSizeCount[];
}
