import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NotificationSubject } from './subject.js';

@ObjectType('SubscriptionPlan', {
  description:
    'A plan for a model’s inference API: the subscriber’s requests to the model’s deployments count against dailyRequestQuota (per day, UTC, whichever key they call with)',
})
export class SubscriptionPlan {
  @Field(() => String) name: string;
  @Field(() => Int, { description: 'Requests per day (UTC) the plan allows' }) dailyRequestQuota: number;
}

/** A user following one model, dataset or deployment, with an optional webhook and (models only) a plan. */
@ObjectType('NotificationSubscription', { description: 'You follow a model, dataset or deployment: its news reach your inbox, and your webhook if you gave one' })
@Entity('notification_subscriptions')
export class NotificationSubscription {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'model_id', type: 'uuid', nullable: true })
  modelId: string | null;

  @Column({ name: 'dataset_id', type: 'uuid', nullable: true })
  datasetId: string | null;

  @Column({ name: 'deployment_id', type: 'uuid', nullable: true })
  deploymentId: string | null;

  @Field(() => String, { nullable: true, description: 'Where each notification is POSTed, signed (see docs/notifications.md)' })
  @Column({ name: 'webhook_url', type: 'text', nullable: true })
  webhookUrl: string | null;

  /** The HMAC key. Needed in clear to sign, so it is stored; shown to the subscriber once, never again. */
  @Column({ name: 'webhook_secret', type: 'text', nullable: true })
  webhookSecret: string | null;

  @Column({ name: 'plan_name', type: 'text', nullable: true })
  planName: string | null;

  @Column({ name: 'plan_daily_request_quota', type: 'int', nullable: true })
  planDailyRequestQuota: number | null;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Field(() => Date)
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  /** Filled by SubscriptionsService before the row leaves the service. */
  @Field(() => NotificationSubject)
  subject: NotificationSubject;

  @Field(() => SubscriptionPlan, { nullable: true, description: 'Models only' })
  get plan(): SubscriptionPlan | null {
    return this.planName === null || this.planDailyRequestQuota === null ? null : { name: this.planName, dailyRequestQuota: this.planDailyRequestQuota };
  }
}
