import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AccountEventsResolver } from '../accounts/account-events.resolver.js';
import { ApiKeyResolver } from '../accounts/api-key.resolver.js';
import { AuthResolver } from '../accounts/auth.resolver.js';
import { NodeTokenResolver } from '../accounts/node-token.resolver.js';
import { MembershipResolver, OrganizationResolver } from '../accounts/organization.resolver.js';
import { UserResolver } from '../accounts/user.resolver.js';
import { ArchitectureResolver } from '../architectures/architecture.resolver.js';
import { JobResolver } from '../compute/job.resolver.js';
import { NodeResolver } from '../compute/node.resolver.js';
import { TrustResolver } from '../compute/trust.resolver.js';
import { DatasetVersionResolver } from '../datasets/dataset-version.resolver.js';
import { DatasetSharingResolver } from '../datasets/dataset-sharing.resolver.js';
import { DatasetResolver } from '../datasets/dataset.resolver.js';
import { ModelVersionResolver } from '../catalog/model-version.resolver.js';
import { ModelResolver } from '../catalog/model.resolver.js';
import { ModelDeletionResolver } from '../catalog/model-deletion.resolver.js';
import { ModelSharingResolver } from '../catalog/model-sharing.resolver.js';
import { PublishingResolver } from '../catalog/publishing.resolver.js';
import { VersionMetadataResolver } from '../catalog/version-metadata.resolver.js';
import { NotificationsResolver } from '../notifications/notifications.resolver.js';
import { SubscriptionsResolver } from '../notifications/subscriptions.resolver.js';
import { SqlResolver } from '../sql/sql.resolver.js';
import { TrainingCurveResolver, TrainingRunResolver } from '../training/training.resolver.js';
import { MlResolver } from '../ml/index.js';
import { OrganizationStorageResolver, UserStorageResolver } from '../storage/index.js';
import type { EventBus } from '../pubsub.js';
import { authChecker } from './auth-checker.js';

/** Every resolver class. Each domain adds its own here. */
export const resolvers = [
  AuthResolver,
  UserResolver,
  ApiKeyResolver,
  NodeTokenResolver,
  OrganizationResolver,
  MembershipResolver,
  AccountEventsResolver,
  NodeResolver,
  TrustResolver,
  JobResolver,
  PublishingResolver,
  VersionMetadataResolver,
  DatasetResolver,
  DatasetVersionResolver,
  DatasetSharingResolver,
  ModelResolver,
  ModelVersionResolver,
  ArchitectureResolver,
  ModelSharingResolver,
  ModelDeletionResolver,
  NotificationsResolver,
  SubscriptionsResolver,
  SqlResolver,
  TrainingRunResolver,
  TrainingCurveResolver,
  MlResolver,
  UserStorageResolver,
  OrganizationStorageResolver,
] as const;

export function createSchema(pubSub: EventBus): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    authChecker,
    // Input rules live in the services (validation/checks.ts), shared by every door.
    validate: false,
    pubSub,
  });
}
