/**
 * The one event bus. GraphQL subscriptions read from it (type-graphql's `pubSub` option). The
 * inbox and webhooks do not: being fire-and-forget, it cannot carry what must not be lost, so
 * they are written in the transaction of the change (notifications/fan-out.ts). In process for
 * one hub; a Postgres LISTEN/NOTIFY (or Redis) event target replaces it when several hubs share
 * a database.
 */
import { createPubSub } from '@graphql-yoga/subscription';
import type { AccountEvent } from './accounts/account-event.js';
import type { ModelEvent } from './catalog/model-event.js';
import type { Job } from './compute/job.entity.js';
import type { Node } from './compute/node.entity.js';
import type { Notification } from './notifications/notification.entity.js';
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
};

export const createEventBus = () => createPubSub<Topics>();
export type EventBus = ReturnType<typeof createEventBus>;
