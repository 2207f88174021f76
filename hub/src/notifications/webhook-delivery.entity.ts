import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { NotificationKind } from './notification-kind.js';

export enum WebhookDeliveryStatus {
  /** Waiting for its first or next attempt (next_attempt_at). */
  PENDING = 'pending',
  /** A hub is sending it now (it holds the row until locked_until). */
  SENDING = 'sending',
  SUCCEEDED = 'succeeded',
  /** Gave up: attempts ran out, or the receiver answered with a status not worth retrying. */
  FAILED = 'failed',
}
registerEnumType(WebhookDeliveryStatus, { name: 'WebhookDeliveryStatus' });

/** One try, as the delivery log shows it. */
@ObjectType('WebhookAttempt')
export class WebhookAttempt {
  @Field(() => Int) attempt: number;
  @Field(() => Date, { description: 'When the request started' }) at: Date;
  @Field(() => Int) durationMs: number;
  @Field(() => Int, { nullable: true, description: 'The HTTP status the receiver answered; null when there was no answer' }) statusCode: number | null;
  @Field(() => String, { nullable: true }) error: string | null;
}

/** What attempt_log holds, as JSON. */
export interface StoredAttempt {
  attempt: number;
  at: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

/** One notification on its way to one webhook: a row of the durable queue (webhook-queue.ts). */
@ObjectType('WebhookDelivery', { description: 'A notification being POSTed to your webhook, retried with backoff; the delivery log' })
@Entity('webhook_deliveries')
export class WebhookDelivery {
  @Field(() => ID, { description: 'Also sent as the X-AIMass-Delivery header and the body’s id: receivers dedupe by it' })
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'subscription_id', type: 'uuid' })
  subscriptionId: string;

  @Field(() => ID)
  @Column({ name: 'notification_id', type: 'uuid' })
  notificationId: string;

  @Field(() => NotificationKind)
  @Column({ type: 'text' })
  kind: NotificationKind;

  @Field(() => WebhookDeliveryStatus)
  @Column({ type: 'text' })
  status: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'Attempts made so far' })
  @Column({ type: 'int' })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last answer' })
  @Column({ name: 'last_status_code', type: 'int', nullable: true })
  lastStatusCode: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed' })
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'attempt_log', type: 'jsonb' })
  attemptLog: StoredAttempt[];

  @Field(() => Date, { nullable: true })
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the next attempt is due; null once it succeeded or failed' })
  get nextAttempt(): Date | null {
    return this.status === WebhookDeliveryStatus.PENDING ? this.nextAttemptAt : null;
  }

  @Field(() => [WebhookAttempt], { description: 'Every attempt, oldest first' })
  get log(): WebhookAttempt[] {
    return (this.attemptLog ?? []).map((a) => ({ ...a, at: new Date(a.at) }));
  }
}
