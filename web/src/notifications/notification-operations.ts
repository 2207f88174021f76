/** GraphQL documents for the subscription centre: the inbox, its unread count, subscriptions and webhook deliveries. */
const PAGE_INFO = 'pageInfo { endCursor hasNextPage }';
const SUBJECT_FIELDS = 'subject { kind id owner name }';
const NOTIFICATION_FIELDS = `id kind message version read readAt createdAt ${SUBJECT_FIELDS}`;
const SUBSCRIPTION_FIELDS = `id webhookUrl createdAt plan { name dailyRequestQuota } ${SUBJECT_FIELDS}`;
const DELIVERY_FIELDS = `id kind status attempts lastAttemptAt lastStatusCode lastError deliveredAt nextAttempt createdAt
  log { attempt at durationMs statusCode error }`;

/** Newest first; `unreadOnly` leaves out those already read. */
export const NOTIFICATIONS = `query Notifications($first: Int, $after: String, $unreadOnly: Boolean) {
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) { totalCount ${PAGE_INFO} edges { node { ${NOTIFICATION_FIELDS} } } }
}`;

export const UNREAD_NOTIFICATION_COUNT = `query UnreadNotificationCount { unreadNotificationCount }`;

/** Both answer how many of them were unread. */
export const MARK_NOTIFICATIONS_READ = `mutation MarkNotificationsRead($ids: [ID!]!) { markNotificationsRead(ids: $ids) }`;
export const MARK_ALL_NOTIFICATIONS_READ = `mutation MarkAllNotificationsRead { markAllNotificationsRead }`;

/** Each new notification of the signed-in user, as it is written. */
export const NOTIFICATION_ADDED = `subscription NotificationAdded { notificationAdded { ${NOTIFICATION_FIELDS} } }`;
/** The same, for a reader that only needs to know that one arrived (the unread badge). */
export const NOTIFICATION_ADDED_ID = `subscription NotificationArrived { notificationAdded { id } }`;

export const MY_SUBSCRIPTIONS = `query MySubscriptions($first: Int, $after: String) {
  mySubscriptions(first: $first, after: $after) { totalCount ${PAGE_INFO} edges { node { ${SUBSCRIPTION_FIELDS} } } }
}`;

export const UNSUBSCRIBE = `mutation Unsubscribe($id: ID!) { unsubscribe(id: $id) }`;

/** A webhook subscription's delivery log, newest first. */
export const WEBHOOK_DELIVERIES = `query WebhookDeliveries($subscriptionId: ID!, $first: Int, $after: String) {
  webhookDeliveries(subscriptionId: $subscriptionId, first: $first, after: $after) { totalCount ${PAGE_INFO} edges { node { ${DELIVERY_FIELDS} } } }
}`;
