/**
 * Every TypeORM entity, for the DataSource (db/database.ts gets this list; the ground floor names no
 * domain). Each domain exports its entities from its index.ts, and this is the one list of them.
 */
import { ApiKey, Membership, NodeToken, Organization, Session, User } from './accounts/index.js';
import { Architecture } from './architectures/index.js';
import { Benchmark } from './benchmarks/index.js';
import { Job, JobAttempt, Node } from './compute/index.js';
import { Dataset, DatasetVersion } from './datasets/index.js';
import { Model, ModelAlias, ModelVersion } from './catalog/index.js';
import { Notification, NotificationSubscription, WebhookDelivery } from './notifications/index.js';
import { ModelTimelineEvent, PromotionComparison } from './promotion/index.js';
import { Deployment, DeploymentEvent, DeploymentReplica } from './serving/index.js';
import { RetrainingRun, RetrainingTriggers } from './retraining/index.js';
import { TrainingCheckpoint, TrainingEpoch, TrainingRun, TrainingTuning } from './training/index.js';

export const entities = [User, Session, Organization, Membership, ApiKey, NodeToken, Node, Job, JobAttempt, Dataset, DatasetVersion, Model, ModelVersion, ModelAlias, Architecture, NotificationSubscription, Notification, WebhookDelivery, TrainingRun, TrainingEpoch, TrainingCheckpoint, TrainingTuning, Deployment, DeploymentReplica, DeploymentEvent, Benchmark, PromotionComparison, ModelTimelineEvent, RetrainingTriggers, RetrainingRun];
