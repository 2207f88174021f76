/** GraphQL documents for the subscription centre: the inbox, its unread count, subscriptions and webhook deliveries. */
import { document } from '../api/document';
import type {
  MarkAllNotificationsReadMutation,
  MarkAllNotificationsReadMutationVariables,
  MarkNotificationsReadMutation,
  MarkNotificationsReadMutationVariables,
  MySubscriptionsQuery,
  MySubscriptionsQueryVariables,
  NotificationAddedSubscription,
  NotificationAddedSubscriptionVariables,
  NotificationArrivedSubscription,
  NotificationArrivedSubscriptionVariables,
  NotificationsQuery,
  NotificationsQueryVariables,
  UnreadNotificationCountQuery,
  UnreadNotificationCountQueryVariables,
  UnsubscribeMutation,
  UnsubscribeMutationVariables,
  WebhookDeliveriesQuery,
  WebhookDeliveriesQueryVariables,
} from '../api/generated';

const SUBJECT_FIELDS = /* GraphQL */ `fragment NotificationSubjectFields on NotificationSubject { kind id owner name }`;
const NOTIFICATION_FIELDS = /* GraphQL */ `fragment NotificationFields on Notification {
  id kind message version read readAt createdAt subject { ...NotificationSubjectFields }
} ${SUBJECT_FIELDS}`;
/** Also what a model's Subscribe button shows. */
export const SUBSCRIPTION_FIELDS = /* GraphQL */ `fragment SubscriptionFields on NotificationSubscription {
  id webhookUrl createdAt plan { name dailyRequestQuota } subject { ...NotificationSubjectFields }
} ${SUBJECT_FIELDS}`;
const DELIVERY_FIELDS = /* GraphQL */ `fragment WebhookDeliveryFields on WebhookDelivery {
  id kind status attempts lastAttemptAt lastStatusCode lastError deliveredAt nextAttempt createdAt
  log { attempt at durationMs statusCode error }
}`;

/** Newest first; `unreadOnly` leaves out those already read. */
export const NOTIFICATIONS = document<NotificationsQuery, NotificationsQueryVariables>(
  /* GraphQL */ `query Notifications($first: Int, $after: String, $unreadOnly: Boolean) {
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    totalCount pageInfo { endCursor hasNextPage } edges { node { ...NotificationFields } }
  }
} ${NOTIFICATION_FIELDS}`,
);

export const UNREAD_NOTIFICATION_COUNT = document<UnreadNotificationCountQuery, UnreadNotificationCountQueryVariables>(
  /* GraphQL */ `query UnreadNotificationCount { unreadNotificationCount }`,
);

/** Both answer how many of them were unread. */
export const MARK_NOTIFICATIONS_READ = document<MarkNotificationsReadMutation, MarkNotificationsReadMutationVariables>(
  /* GraphQL */ `mutation MarkNotificationsRead($ids: [ID!]!) { markNotificationsRead(ids: $ids) }`,
);
export const MARK_ALL_NOTIFICATIONS_READ = document<MarkAllNotificationsReadMutation, MarkAllNotificationsReadMutationVariables>(
  /* GraphQL */ `mutation MarkAllNotificationsRead { markAllNotificationsRead }`,
);

/** Each new notification of the signed-in user, as it is written. */
export const NOTIFICATION_ADDED = document<NotificationAddedSubscription, NotificationAddedSubscriptionVariables>(
  /* GraphQL */ `subscription NotificationAdded {
  notificationAdded { ...NotificationFields }
} ${NOTIFICATION_FIELDS}`,
);
/** The same, for a reader that only needs to know that one arrived (the unread badge). */
export const NOTIFICATION_ADDED_ID = document<NotificationArrivedSubscription, NotificationArrivedSubscriptionVariables>(
  /* GraphQL */ `subscription NotificationArrived { notificationAdded { id } }`,
);

export const MY_SUBSCRIPTIONS = document<MySubscriptionsQuery, MySubscriptionsQueryVariables>(
  /* GraphQL */ `query MySubscriptions($first: Int, $after: String) {
  mySubscriptions(first: $first, after: $after) {
    totalCount pageInfo { endCursor hasNextPage } edges { node { ...SubscriptionFields } }
  }
} ${SUBSCRIPTION_FIELDS}`,
);

export const UNSUBSCRIBE = document<UnsubscribeMutation, UnsubscribeMutationVariables>(
  /* GraphQL */ `mutation Unsubscribe($id: ID!) { unsubscribe(id: $id) }`,
);

/** A webhook subscription's delivery log, newest first. */
export const WEBHOOK_DELIVERIES = document<WebhookDeliveriesQuery, WebhookDeliveriesQueryVariables>(
  /* GraphQL */ `query WebhookDeliveries($subscriptionId: ID!, $first: Int, $after: String) {
  webhookDeliveries(subscriptionId: $subscriptionId, first: $first, after: $after) {
    totalCount pageInfo { endCursor hasNextPage } edges { node { ...WebhookDeliveryFields } }
  }
} ${DELIVERY_FIELDS}`,
);
