/** A deployment's alert rules and incidents as GraphQL shows them, and the inputs that make rules (docs/alerts.md). */
import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { AlertAction, AlertCondition, AlertMetric } from './alert-words.js';

/** The band an anomaly is judged against. */
@ObjectType('AlertBand', { description: 'The deployment’s own baseline of the metric: median and scaled MAD of its windows over the baseline period' })
export class AlertBand {
  @Field(() => Float) median: number;
  @Field(() => Float, { description: 'max(1.4826 × MAD, the metric’s noise floor)' }) scale: number;
  @Field(() => Float) low: number;
  @Field(() => Float) high: number;
  @Field(() => Int, { description: 'Baseline windows it was computed from' }) samples: number;
}

@ObjectType('AlertMeasurement', { description: 'What a rule measured over one window' })
export class AlertMeasurement {
  @Field(() => Date) windowStart: Date;
  @Field(() => Date) windowEnd: Date;
  @Field(() => Float, { nullable: true, description: 'The metric over the window; null when too few requests to say' }) value: number | null;
  @Field(() => Int) requests: number;
  @Field(() => Float, { nullable: true }) threshold: number | null;
  @Field(() => AlertBand, { nullable: true }) band: AlertBand | null;
}

@ObjectType('DeploymentAlertRule', { description: 'A condition on a deployment’s figures that opens an incident while it holds' })
export class DeploymentAlertRule {
  @Field(() => ID) id: string;
  @Field(() => String) name: string;
  @Field(() => AlertMetric) metric: AlertMetric;
  @Field(() => AlertCondition) condition: AlertCondition;
  @Field(() => Float, { nullable: true, description: 'ABOVE and BELOW: the threshold (an error rate is a fraction, 0.05 for 5 %)' }) threshold: number | null;
  @Field(() => Float, { description: 'ANOMALY: how many scaled MADs from the median the band reaches' }) sensitivity: number;
  @Field(() => Int, { description: 'Seconds of figures judged together' }) windowSeconds: number;
  @Field(() => Int, { description: 'ANOMALY: minutes of trailing figures the band is computed from' }) baselineMinutes: number;
  @Field(() => Int, { description: 'Error rate and latency: fewer requests in the window say nothing (and resolve an open incident)' }) minRequests: number;
  @Field(() => AlertAction) action: AlertAction;
  @Field(() => Boolean) enabled: boolean;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date) updatedAt: Date;
}

@ObjectType('DeploymentIncident', { description: 'A time a rule’s condition held: opened, and resolved once it held no more' })
export class DeploymentIncident {
  @Field(() => ID) id: string;
  @Field(() => ID, { nullable: true, description: 'The rule (null once it was deleted)' }) ruleId: string | null;
  @Field(() => DeploymentAlertRule, { description: 'The rule as it was when the incident opened' }) rule: DeploymentAlertRule;
  @Field(() => Date) openedAt: Date;
  @Field(() => Date, { nullable: true }) resolvedAt: Date | null;
  @Field(() => AlertMeasurement, { description: 'What was measured when it opened' }) opened: AlertMeasurement;
  @Field(() => AlertMeasurement, { nullable: true, description: 'What was measured when it resolved' }) resolved: AlertMeasurement | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'What the rule’s action did: { action, applied, message, … }' }) action: Record<string, unknown> | null;
}

@InputType()
export class CreateAlertRuleInput {
  @Field(() => String, { description: 'The deployment’s owner (a user or organization handle)' }) owner: string;
  @Field(() => String, { description: 'The deployment’s name' }) deployment: string;
  @Field(() => String, { description: '1–100 characters, unique among the deployment’s rules' }) name: string;
  @Field(() => AlertMetric) metric: AlertMetric;
  @Field(() => AlertCondition) condition: AlertCondition;
  @Field(() => Float, { nullable: true, description: 'Needed by ABOVE and BELOW; 0–1 for ERROR_RATE' }) threshold?: number | null;
  @Field(() => Float, { nullable: true, description: 'ANOMALY: 1–20 scaled MADs (default 4)' }) sensitivity?: number | null;
  @Field(() => Int, { description: 'A multiple of the finest metrics resolution (10 s by default), at most 3600' }) windowSeconds: number;
  @Field(() => Int, { nullable: true, description: 'ANOMALY: at least 6 windows, within the finest metrics tier’s retention (default 60)' }) baselineMinutes?: number | null;
  @Field(() => Int, { nullable: true, description: '1–100000 (default 10)' }) minRequests?: number | null;
  @Field(() => AlertAction, { nullable: true, description: 'Default NONE' }) action?: AlertAction | null;
  @Field(() => Boolean, { nullable: true, description: 'Default true' }) enabled?: boolean | null;
}

@InputType()
export class UpdateAlertRuleInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => Float, { nullable: true }) threshold?: number | null;
  @Field(() => Float, { nullable: true }) sensitivity?: number | null;
  @Field(() => Int, { nullable: true }) windowSeconds?: number | null;
  @Field(() => Int, { nullable: true }) baselineMinutes?: number | null;
  @Field(() => Int, { nullable: true }) minRequests?: number | null;
  @Field(() => AlertAction, { nullable: true }) action?: AlertAction | null;
  @Field(() => Boolean, { nullable: true, description: 'A disabled rule is not evaluated; its open incident resolves' }) enabled?: boolean | null;
}
