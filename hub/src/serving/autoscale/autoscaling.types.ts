import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType('DeploymentAutoscaling', { description: 'How the autoscaler sizes a deployment between minReplicas and maxReplicas (docs/serving.md, "Autoscaling")' })
export class DeploymentAutoscaling {
  @Field(() => Float, { description: 'In-flight requests per replica the autoscaler aims at' }) targetConcurrency: number;
  @Field(() => Int, { description: 'Seconds of demand averaged for the stable decision' }) stableWindowSeconds: number;
  @Field(() => Int, { description: 'Seconds of demand averaged to detect a burst (panic at twice the ready capacity)' }) panicWindowSeconds: number;
  @Field(() => Int, { description: 'Seconds a lower count must be wanted throughout before replicas are stopped' }) scaleDownDelaySeconds: number;
  @Field(() => Int, { nullable: true, description: 'Idle seconds before it scales to zero (minReplicas 0); null: never' }) scaleToZeroAfterSeconds: number | null;
  @Field(() => Boolean, { description: 'The predictive planner scales ahead of the rise its forecast expects (docs/autoscaling.md); reactive only when false or with too little history' }) predictive: boolean;
}

@ObjectType('DeploymentAutoscaler', { description: "The autoscaler's last decision" })
export class DeploymentAutoscaler {
  @Field(() => Int, { description: 'Replicas it wants (the reconciler brings the deployment there)' }) wantedReplicas: number;
  @Field(() => Float, { description: 'Average in-flight requests over the stable window, every hub together' }) observedConcurrency: number;
  @Field(() => Float, { description: 'Average in-flight requests over the panic window' }) panicConcurrency: number;
  @Field(() => Boolean, { description: 'A burst: the panic window decides and nothing scales down' }) panicking: boolean;
  @Field(() => Date, { nullable: true, description: 'When the wanted count last changed' }) lastScaledAt: Date | null;
  @Field(() => Date, { description: 'When a request was last seen' }) lastActiveAt: Date;
  @Field(() => Date, { description: 'When it decided' }) decidedAt: Date;
  @Field(() => String, { description: 'Why it wants this many' }) reason: string;
}

@InputType()
export class DeploymentAutoscalingInput {
  @Field(() => Float, { nullable: true, description: 'In-flight requests per replica, more than 0 and at most 1000 (default 4)' }) targetConcurrency?: number | null;
  @Field(() => Int, { nullable: true, description: '1–3600 s (default 60)' }) stableWindowSeconds?: number | null;
  @Field(() => Int, { nullable: true, description: '1 s to the stable window (default 6)' }) panicWindowSeconds?: number | null;
  @Field(() => Int, { nullable: true, description: '0–3600 s (default 30)' }) scaleDownDelaySeconds?: number | null;
  @Field(() => Int, { nullable: true, description: '1–86400 s; needs minReplicas 0 (default: never to zero)' }) scaleToZeroAfterSeconds?: number | null;
  @Field(() => Boolean, { nullable: true, description: 'Scale ahead of the forecast daily and weekly pattern (default true)' }) predictive?: boolean | null;
}
