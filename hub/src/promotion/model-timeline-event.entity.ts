import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One line of a model's timeline: a retraining, a comparison, a decision, a promotion, a roll back (model-timeline.ts). */
@ObjectType('ModelTimelineEvent', { description: 'Something that happened in a model’s continuous training, as its timeline, inbox and webhooks tell it' })
@Entity('model_timeline_events')
export class ModelTimelineEvent {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId: string;

  @Field(() => String, {
    description: 'What happened, one upper-case word (RETRAINING_STARTED, RETRAINING_FINISHED, COMPARISON_STARTED, COMPARED, PROMOTED, KEPT, COMPARISON_FAILED, PROMOTED_BY_HAND, ROLLED_BACK); clients show kinds they do not know by their message',
  })
  @Column({ type: 'text' })
  kind: string;

  @Field(() => Int, { nullable: true, description: 'The model version it is about' })
  @Column({ type: 'int', nullable: true })
  version: number | null;

  @Field(() => String, { description: 'One sentence for people' })
  @Column({ type: 'text' })
  message: string;

  @Field(() => GraphQLJSON, { description: 'The facts behind it (versions, scores, data versions, the comparison id)' })
  @Column({ type: 'jsonb', default: () => `'{}'` })
  detail: Record<string, unknown>;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
