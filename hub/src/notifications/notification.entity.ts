import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NotificationKind } from './notification-kind.js';
import { NotificationSubject } from './subject.js';

/** One item of a user's inbox: written by the fan-out (fan-out.ts) in the transaction of the change it tells of. */
@ObjectType('Notification', { description: 'An item of your inbox: something happened to a model or dataset you follow' })
@Entity('notifications')
export class Notification {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Field(() => ID, { nullable: true, description: 'The subscription that brought it; null once you unsubscribed' })
  @Column({ name: 'subscription_id', type: 'uuid', nullable: true })
  subscriptionId: string | null;

  /** One change told to many subscribers shares one event id. */
  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Field(() => NotificationKind)
  @Column({ type: 'text' })
  kind: NotificationKind;

  @Column({ name: 'model_id', type: 'uuid', nullable: true })
  modelId: string | null;

  @Column({ name: 'dataset_id', type: 'uuid', nullable: true })
  datasetId: string | null;

  @Column({ name: 'deployment_id', type: 'uuid', nullable: true })
  deploymentId: string | null;

  @Field(() => Int, { nullable: true, description: 'The model or dataset version it is about' })
  @Column({ type: 'int', nullable: true })
  version: number | null;

  @Field(() => String, { description: 'What happened, in words' })
  @Column({ type: 'text' })
  message: string;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt: Date | null;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  /** Filled by NotificationsService before the row leaves the service. */
  @Field(() => NotificationSubject)
  subject: NotificationSubject;

  @Field(() => Boolean)
  get read(): boolean {
    return this.readAt !== null;
  }
}
