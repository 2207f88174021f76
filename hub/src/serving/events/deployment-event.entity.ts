import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One line of a deployment's timeline: a rollout step, a rollback, an incident, its budget (events/deployment-events.ts). */
@ObjectType('DeploymentEvent', { description: 'Something that happened to a deployment, as its timeline, inbox and webhooks tell it' })
@Entity('deployment_events')
export class DeploymentEvent {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'deployment_id', type: 'uuid' })
  deploymentId: string;

  @Field(() => String, { description: 'What happened, one upper-case word (e.g. CREATED, VERSION_CHANGED, ROLLOUT_ROLLED_BACK, INCIDENT_OPENED, BUDGET_WARNING); clients show kinds they do not know by their message' })
  @Column({ type: 'text' })
  kind: string;

  @Field(() => String, { description: 'One sentence for people' })
  @Column({ type: 'text' })
  message: string;

  @Field(() => GraphQLJSON, { description: 'The facts behind it (versions, weights, thresholds, measured values)' })
  @Column({ type: 'jsonb', default: () => `'{}'` })
  detail: Record<string, unknown>;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
