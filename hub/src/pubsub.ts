/**
 * The one event bus. GraphQL subscriptions read from it (type-graphql's `pubSub` option), and every
 * topic crosses hubs: an event published on one hub reaches the subscribers connected to every hub
 * on the same database (docs/live-events.md). The publishing hub delivers to its own subscribers at
 * once, in process (@graphql-yoga/subscription), and sends the event on the hub channel
 * (events/hub-channel.ts: PostgreSQL LISTEN/NOTIFY, large events through a table); the other hubs
 * decode it (events/wire.ts: Dates stay Dates) and publish it to their own subscribers. The echo
 * of a hub's own events is dropped by the channel, so no subscriber hears an event twice. On the
 * PGlite fallback there is one hub and events stay in process.
 *
 * Payloads cross as data: an event arrives on another hub as a plain object with the same fields
 * (not an instance of the entity class), which is all the subscription resolvers read.
 * Authorization is unchanged by the crossing: each subscription filters or re-checks access on the
 * hub its client is connected to (graphql/while-readable.ts, `topicId`, `filter`).
 *
 * The inbox and webhooks do not read from the bus: being fire-and-forget, it cannot carry what must
 * not be lost, so they are written in the transaction of the change (notifications/fan-out.ts).
 */
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import type { AccountEvent } from './accounts/account-event.js';
import type { ModelEvent } from './catalog/model-event.js';
import type { Job } from './compute/job.entity.js';
import type { Node } from './compute/node.entity.js';
import type { HubChannel } from './events/hub-channel.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { Notification } from './notifications/notification.entity.js';
import type { MetricsPoint } from './serving/monitoring/metrics-point.js';
import type { TrainingEpoch } from './training/training-epoch.entity.js';

/** Topic → [routing id, payload]. */
export type Topics = {
  /** Events about one user's account, routed by user id. */
  ACCOUNT_EVENT: [userId: string, event: AccountEvent];
  /** A node's registry row changed (status, capabilities, speed). Public: the network view. */
  NODE_CHANGED: [node: Node];
  /** A job's status or progress changed, routed by job id. */
  JOB_UPDATED: [jobId: string, job: Job];
  /** A model's versions were published, deprecated or unpublished, routed by model id. */
  MODEL_EVENT: [modelId: string, event: ModelEvent];
  /** A new inbox item, routed by the user it is for (already checked: they may read its subject). */
  NOTIFICATION_ADDED: [userId: string, notification: Notification];
  /** A training job's agent reported an epoch, routed by job id. */
  TRAINING_EPOCH: [jobId: string, epoch: TrainingEpoch];
  /** A deployment's status, replicas, load or settings changed, routed by deployment id (subscribers re-read it). */
  DEPLOYMENT_CHANGED: [deploymentId: string, change: { id: string }];
  /** A deployment's point of the finest metrics tier, once its bucket is complete (one hub publishes it), routed by deployment id. */
  DEPLOYMENT_METRICS: [deploymentId: string, point: MetricsPoint];
  /** A scored submission changed a benchmark's leaderboard, routed by benchmark id (subscribers re-read the board). */
  LEADERBOARD_CHANGED: [benchmarkId: string, change: { benchmarkId: string; submissionId: string }];
};

type Topic = keyof Topics;

/** Every topic, for checking what arrives from other hubs. */
const TOPICS: ReadonlySet<string> = new Set<Topic>(['ACCOUNT_EVENT', 'NODE_CHANGED', 'JOB_UPDATED', 'MODEL_EVENT', 'NOTIFICATION_ADDED', 'TRAINING_EPOCH', 'DEPLOYMENT_CHANGED', 'DEPLOYMENT_METRICS', 'LEADERBOARD_CHANGED']);

/**
 * Topics every hub publishes itself from the database, so they are not sent across. New inbox
 * items: the `notificationsAdded` signal carries the committed event's id, and each hub reads the
 * rows and announces them to its own subscribers (notifications.service.ts). A row read back is a
 * whole Notification (its `read` getter included), and the rows are the inbox itself.
 */
const PUBLISHED_BY_EVERY_HUB: ReadonlySet<Topic> = new Set<Topic>(['NOTIFICATION_ADDED']);

export type EventBus = PubSub<Topics>;

/**
 * The local bus's event target, counting each topic's listeners: a GraphQL subscription listens
 * from the moment its listener is added here, and graphql-ws gives its client no sign of that
 * moment, so operators and tests read it from `aimass_live_subscriptions` (listening now) and
 * `aimass_live_subscriptions_started_total` (ever added: a test waits for it to grow, which a
 * subscription ending at the same time cannot hide).
 */
class CountingTarget extends EventTarget {
  constructor(private readonly counted: (topic: string, change: number) => void) {
    super();
  }

  override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    super.addEventListener(...args);
    if (args[1]) this.counted(args[0], 1);
  }

  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void {
    super.removeEventListener(...args);
    if (args[1]) this.counted(args[0], -1);
  }
}

export function createEventBus(channel: HubChannel, log: Logger, metrics?: Pick<Metrics, 'liveSubscriptions' | 'liveSubscriptionsStarted'>): EventBus {
  // A routed topic's listeners listen on `TOPIC:id`; they are counted by topic.
  const eventTarget = new CountingTarget((type, change) => {
    const topic = type.split(':')[0];
    metrics?.liveSubscriptions.inc({ topic }, change);
    if (change > 0) metrics?.liveSubscriptionsStarted.inc({ topic });
  });
  const local = createPubSub<Topics>({ eventTarget });
  channel.on('event', (data) => {
    const { topic, args } = (data ?? {}) as { topic?: unknown; args?: unknown };
    if (typeof topic !== 'string' || !TOPICS.has(topic) || !Array.isArray(args)) {
      log.warn({ topic }, 'ignored an event of an unknown topic from another hub');
      return;
    }
    local.publish(topic as Topic, ...(args as Topics[Topic]));
  });
  return {
    publish(topic, ...args) {
      local.publish(topic, ...args);
      if (!PUBLISHED_BY_EVERY_HUB.has(topic)) channel.send('event', { topic, args });
    },
    subscribe: local.subscribe,
  };
}
