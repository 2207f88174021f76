import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType('DeploymentPlanner', { description: "The predictive planner's last plan for an autoscaled deployment (docs/autoscaling.md)" })
export class DeploymentPlanner {
  @Field(() => Boolean, { description: 'A forecast was fitted: the deployment has enough request history (else it is scaled reactively only)' }) forecasting: boolean;
  @Field(() => Int, { description: 'Replicas the autoscaler keeps at least, for the rise the forecast expects; 0 when reactive only' }) floor: number;
  @Field(() => Boolean, { description: 'The floor holds now (the planner ran recently and the deployment is predictive)' }) active: boolean;
  @Field(() => Float, { description: 'Highest forecast request rate (req/s) within the lead: the replica start time plus the planner interval' }) expectedRequestsPerSecond: number;
  @Field(() => Int, { description: 'Seconds a replica takes from placement to ready: the median of its last 20, or the configured default' }) replicaStartSeconds: number;
  @Field(() => Boolean, { description: 'replicaStartSeconds was measured (false: the default, no replica has started yet)' }) replicaStartMeasured: boolean;
  @Field(() => Float, { nullable: true, description: 'Mean seconds a request was in flight over the last hour; null when none was seen' }) secondsInFlight: number | null;
  @Field(() => Int, { description: 'Whole days of request history' }) historyDays: number;
  @Field(() => Int, { description: 'Whole days of history the forecast needs' }) minHistoryDays: number;
  @Field(() => Float, { nullable: true, description: 'Mean absolute percentage error (0–1) of the forecast on the held-out last whole day; null when it could not be scored' }) heldOutMape: number | null;
  @Field(() => Date) plannedAt: Date;
  @Field(() => String, { description: 'How the floor was reached, or why it is reactive only' }) reason: string;
}

@ObjectType('ForecastPoint', { description: 'One forecast slot beside the real traffic' })
export class ForecastPoint {
  @Field(() => Date) start: Date;
  @Field(() => Float, { description: 'Forecast requests per second' }) requestsPerSecond: number;
  @Field(() => Float, { description: 'Lower edge of the 90 % band' }) lower: number;
  @Field(() => Float, { description: 'Upper edge of the 90 % band' }) upper: number;
  @Field(() => Float, { nullable: true, description: 'Requests per second that came; null for a slot not ended yet' }) actualRequestsPerSecond: number | null;
  @Field(() => Date, { description: 'When this forecast was made (a slot keeps the forecast it had when it began)' }) madeAt: Date;
}

@ObjectType('DeploymentForecast')
export class DeploymentForecast {
  @Field(() => Int, { description: 'Seconds per slot' }) slotSeconds: number;
  @Field(() => [ForecastPoint], { description: 'The stored forecast slots in the range, oldest first' }) points: ForecastPoint[];
  @Field(() => Float, { nullable: true, description: 'Mean absolute percentage error (0–1) over the ended slots of the range that had traffic; null when none' }) mape: number | null;
  @Field(() => Int, { description: 'Ended slots the error was computed over' }) scoredSlots: number;
}
