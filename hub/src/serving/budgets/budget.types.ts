import { Field, Float, InputType, ObjectType, registerEnumType } from 'type-graphql';

/** What happens when a deployment has used its month's replica-hours. */
export enum BudgetActionKind {
  /** Held at its minimum replicas (at least one), whatever the autoscaler or a planner wants. */
  CAP = 'cap',
  /** Stopped: no replica runs until the next month (or a raised or removed budget). */
  STOP = 'stop',
}
registerEnumType(BudgetActionKind, { name: 'BudgetAction', description: 'What happens when a deployment has used its monthly budget' });

@ObjectType('DeploymentBudget', { description: 'A monthly budget of replica-hours (calendar month, UTC) and its use' })
export class DeploymentBudget {
  @Field(() => Float, { description: 'Replica-hours the deployment may use each month' }) limitReplicaHours: number;
  @Field(() => Float, { description: 'Replica-hours used this month: the time each replica was ready, to the moment asked' }) usedReplicaHours: number;
  @Field(() => String, { description: 'The month counted, "YYYY-MM" (UTC)' }) month: string;
  @Field(() => BudgetActionKind, { description: 'What happens at 100 %' }) action: BudgetActionKind;
  @Field(() => Boolean, { description: 'Whether the action holds the deployment now' }) held: boolean;
  @Field(() => Date, { nullable: true, description: 'When this month’s 80 % warning was given' }) warnedAt: Date | null;
  @Field(() => Date, { nullable: true, description: 'When this month’s budget was used up (and the action applied)' }) exceededAt: Date | null;
}

@InputType('DeploymentBudgetInput', { description: 'A monthly budget in replica-hours' })
export class DeploymentBudgetInput {
  @Field(() => Float, { description: 'More than 0, at most 1,000,000' }) limitReplicaHours: number;
  @Field(() => BudgetActionKind, { nullable: true, description: 'What happens at 100 % (default CAP)' }) action?: BudgetActionKind | null;
}
