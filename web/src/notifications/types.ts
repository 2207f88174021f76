/** The subscription centre's shapes, from ../api/generated.ts (see ../api/types.ts). */
import type {
  NotificationFieldsFragment,
  NotificationSubjectFieldsFragment,
  SubscriptionFieldsFragment,
  WebhookDeliveryFieldsFragment,
} from '../api/generated';

export type { NotificationKind, SubjectKind, WebhookDeliveryStatus } from '../api/generated';

/** The model or dataset a subscription or notification is about, as `owner/name`. */
export type NotificationSubject = NotificationSubjectFieldsFragment;
export type Notification = NotificationFieldsFragment;
export type NotificationSubscription = SubscriptionFieldsFragment;
export type WebhookDelivery = WebhookDeliveryFieldsFragment;
/** One try at POSTing a notification to a webhook. */
export type WebhookAttempt = WebhookDelivery['log'][number];
