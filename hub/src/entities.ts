/** Every TypeORM entity, for the DataSource. Each domain adds its own here. */
import { ApiKey } from './accounts/api-key.entity.js';
import { Architecture } from './architectures/architecture.entity.js';
import { Membership } from './accounts/membership.entity.js';
import { NodeToken } from './accounts/node-token.entity.js';
import { Organization } from './accounts/organization.entity.js';
import { Session } from './accounts/session.entity.js';
import { User } from './accounts/user.entity.js';
import { JobAttempt } from './compute/job-attempt.entity.js';
import { Job } from './compute/job.entity.js';
import { Node } from './compute/node.entity.js';
import { DatasetVersion } from './datasets/dataset-version.entity.js';
import { Dataset } from './datasets/dataset.entity.js';
import { ModelAlias } from './catalog/model-alias.entity.js';
import { ModelVersion } from './catalog/model-version.entity.js';
import { Model } from './catalog/model.entity.js';
import { Notification, NotificationSubscription, WebhookDelivery } from './notifications/index.js';
import { TrainingCheckpoint, TrainingEpoch, TrainingRun, TrainingTuning } from './training/index.js';

export const entities = [User, Session, Organization, Membership, ApiKey, NodeToken, Node, Job, JobAttempt, Dataset, DatasetVersion, Model, ModelVersion, ModelAlias, Architecture, NotificationSubscription, Notification, WebhookDelivery, TrainingRun, TrainingEpoch, TrainingCheckpoint, TrainingTuning];
