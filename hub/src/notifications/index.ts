/** The subscription centre: what other domains and the hub's wiring may use. */
export { NotificationFanOut, type Announce, type DirectEvent, type SubjectEvent } from './fan-out.js';
export { NotificationKind } from './notification-kind.js';
export { Notification } from './notification.entity.js';
export { NotificationsService } from './notifications.service.js';
export { type SubjectReadRule, type SubjectRules } from './subject-access.js';
export { SubjectKind } from './subject.js';
export { SubscriptionsService, type SubjectLookup } from './subscriptions.service.js';
export { NotificationSubscription } from './subscription.entity.js';
export { WebhookDelivery } from './webhook-delivery.entity.js';
export { WebhookWorker } from './webhook-worker.js';
export { NotificationSubjects } from './notification-subjects.js';
export { notificationsModule, notificationsResolvers, type NotificationsServices } from './notifications.module.js';

import type { NotificationsServices } from './notifications.module.js';
declare module '../module.js' {
  // Declaration merging: the services bag names this module's services (module.ts).
  interface Services extends NotificationsServices {}
}
