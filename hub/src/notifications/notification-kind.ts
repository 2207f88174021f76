import { registerEnumType } from 'type-graphql';

/**
 * What a notification says happened. The enum grows as domains learn to tell; clients should
 * show unknown kinds by their `message`.
 */
export enum NotificationKind {
  /** A model version was published. */
  MODEL_VERSION_PUBLISHED = 'MODEL_VERSION_PUBLISHED',
  /** A published model version was deprecated; the message says why and what to use instead. */
  MODEL_VERSION_DEPRECATED = 'MODEL_VERSION_DEPRECATED',
  /** A new dataset version finished loading and can be queried. */
  DATASET_VERSION_CREATED = 'DATASET_VERSION_CREATED',
  /** Something happened to a deployment (a rollout step, a rollback, an incident, its budget): the message says what; webhooks carry the event's kind and facts. */
  DEPLOYMENT_EVENT = 'DEPLOYMENT_EVENT',
  /** Something happened in a model's continuous training (a retraining, a comparison of a challenger with production, a promotion decision, a roll back): the message says what; webhooks carry the event's kind and facts. */
  MODEL_TIMELINE_EVENT = 'MODEL_TIMELINE_EVENT',
  /** The model entered the top 10 of a benchmark's board (docs/benchmarks.md#standings). */
  MODEL_ENTERED_TOP_TEN = 'MODEL_ENTERED_TOP_TEN',
  /** The model took first place on a benchmark's board. */
  MODEL_TOOK_FIRST_PLACE = 'MODEL_TOOK_FIRST_PLACE',
  /** A node was quarantined for disagreeing in a verified benchmark evaluation of the model (to the node's owner and the admins). */
  NODE_QUARANTINED = 'NODE_QUARANTINED',
  /** A benchmark's deadline passed: the model's final (private) rank on it and how far it moved from its public rank (to its submitters and its followers). */
  BENCHMARK_FINAL_RANKING = 'BENCHMARK_FINAL_RANKING',
}
registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  description: 'What happened. A client shows a kind it does not know by its message.',
});
