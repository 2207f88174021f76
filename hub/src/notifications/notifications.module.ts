/** The notifications module: the inbox, following models and datasets, webhooks and their deliveries. */
import type { HubFloor, HubModule } from '../module.js';
import { NotificationFanOut } from './fan-out.js';
import { NotificationSubjects } from './notification-subjects.js';
import { NotificationsResolver } from './notifications.resolver.js';
import { NotificationsService } from './notifications.service.js';
import { SubscriptionsResolver } from './subscriptions.resolver.js';
import { SubscriptionsService } from './subscriptions.service.js';
import { WebhookWorker } from './webhook-worker.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const notificationsResolvers = [NotificationsResolver, SubscriptionsResolver] as const;

export interface NotificationsServices {
  /** Models and datasets register here who may hear about them. */
  notificationSubjects: NotificationSubjects;
  /** Writes a subject's notifications and deliveries in the caller's transaction. */
  notificationFanOut: NotificationFanOut;
  /** The inbox and live notificationAdded events. */
  notifications: NotificationsService;
  /** Following models and datasets, webhooks, plans, delivery logs. */
  subscriptions: SubscriptionsService;
  /** Sends webhook deliveries. */
  webhookWorker: WebhookWorker;
}

export function notificationsModule({ db, config, events, signals, log }: HubFloor): HubModule<NotificationsServices> {
  const subjects = new NotificationSubjects();
  const notifications = new NotificationsService(db, subjects.rules, events, signals, log.child({ component: 'notifications' }));
  const webhookWorker = new WebhookWorker(db, config, subjects.rules, signals, log.child({ component: 'webhooks' }));
  return {
    name: 'notifications',
    services: {
      notificationSubjects: subjects,
      notificationFanOut: new NotificationFanOut(subjects.rules, signals),
      notifications,
      subscriptions: new SubscriptionsService(db, config, subjects.rules, subjects.lookups),
      webhookWorker,
    },
    resolvers: notificationsResolvers,
    start() {
      subjects.assertComplete();
      // Webhook deliveries: a loop of its own that never throws.
      webhookWorker.start();
    },
    async stop() {
      await webhookWorker.close();
      notifications.close();
    },
  };
}
