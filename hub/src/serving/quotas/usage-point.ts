import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum UsageGranularity {
  MINUTE = 'MINUTE',
  HOUR = 'HOUR',
  DAY = 'DAY',
}
registerEnumType(UsageGranularity, { name: 'UsageGranularity', description: 'How usage points are grouped: by UTC minute, hour or day' });

@ObjectType('UsagePoint', { description: 'Metered inference usage of one deployment by one API key (or by sessions) in one period' })
export class UsagePoint {
  @Field(() => Date, { description: 'Start of the period (UTC)' })
  start: Date;

  @Field(() => String, { nullable: true, description: 'The deployment, "owner/name"; null once it was deleted' })
  deployment: string | null;

  @Field(() => ID, { nullable: true, description: 'The API key used; null for requests made with a signed-in session' })
  apiKeyId: string | null;

  @Field(() => String, { nullable: true })
  apiKeyName: string | null;

  @Field(() => Int, { description: 'Requests admitted and answered (failed ones included)' })
  requests: number;

  @Field(() => Int, { description: 'Rows (instances) in those requests' })
  rows: number;

  @Field(() => Int, { description: 'Requests that failed after admission' })
  errors: number;

  @Field(() => Float, { description: 'Compute time the agents reported for them, in milliseconds' })
  computeMs: number;
}
