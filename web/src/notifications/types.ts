/** TypeScript shapes of the subscription centre as the portal selects it (see schema/schema.graphql). */

/** What a notification says happened; the hub may add kinds, shown by their message. */
export type NotificationKind = 'MODEL_VERSION_PUBLISHED' | 'MODEL_VERSION_DEPRECATED' | 'DATASET_VERSION_CREATED' | (string & {});

export type SubjectKind = 'MODEL' | 'DATASET';

/** The model or dataset a subscription or notification is about, as `owner/name`. */
export interface NotificationSubject {
  kind: SubjectKind;
  id: string;
  owner: string;
  name: string;
}

export interface Notification {
  id: string;
  kind: NotificationKind;
  message: string;
  /** The model or dataset version it is about */
  version: number | null;
  read: boolean;
  readAt: string | null;
  createdAt: string;
  subject: NotificationSubject;
}

export interface NotificationSubscription {
  id: string;
  subject: NotificationSubject;
  webhookUrl: string | null;
  plan: { name: string; dailyRequestQuota: number } | null;
  createdAt: string;
}

export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'SENDING', 'SUCCEEDED', 'FAILED'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One try at POSTing a notification to a webhook. */
export interface WebhookAttempt {
  attempt: number;
  at: string;
  durationMs: number;
  /** What the receiver answered; null when it did not answer */
  statusCode: number | null;
  error: string | null;
}

export interface WebhookDelivery {
  id: string;
  kind: NotificationKind;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  /** When the next attempt is due; null once it succeeded or failed */
  nextAttempt: string | null;
  createdAt: string;
  log: WebhookAttempt[];
}
