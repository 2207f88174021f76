import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { accountsResolvers } from '../accounts/index.js';
import { architecturesResolvers } from '../architectures/index.js';
import { benchmarksResolvers } from '../benchmarks/index.js';
import { catalogResolvers } from '../catalog/index.js';
import { computeResolvers } from '../compute/index.js';
import { datasetsResolvers } from '../datasets/index.js';
import { leaderboardsResolvers } from '../leaderboards/index.js';
import { mlResolvers } from '../ml/index.js';
import { servingResolvers } from '../serving/index.js';
import type { ResolverClass } from '../module.js';
import { notificationsResolvers } from '../notifications/index.js';
import { promotionResolvers } from '../promotion/index.js';
import type { EventBus } from '../pubsub.js';
import { retrainingResolvers } from '../retraining/index.js';
import { sqlResolvers } from '../sql/index.js';
import { storageResolvers } from '../storage/index.js';
import { trainingResolvers } from '../training/index.js';
import { authChecker } from './auth-checker.js';

/** Every module's resolver classes (each module also carries its own: HubModule.resolvers). */
export const resolvers: readonly ResolverClass[] = [
  ...accountsResolvers,
  ...computeResolvers,
  ...notificationsResolvers,
  ...datasetsResolvers,
  ...catalogResolvers,
  ...architecturesResolvers,
  ...benchmarksResolvers,
  ...sqlResolvers,
  ...storageResolvers,
  ...trainingResolvers,
  ...mlResolvers,
  ...servingResolvers,
  ...leaderboardsResolvers,
  ...promotionResolvers,
  ...retrainingResolvers,
];

/** The schema of `modules` resolvers (by default every module's: `npm run schema` prints it without a hub). */
export function createSchema(pubSub: EventBus, modules: readonly ResolverClass[] = resolvers): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...modules] as NonEmptyArray<ResolverClass>,
    authChecker,
    // Input rules live in the services (validation/checks.ts), shared by every door.
    validate: false,
    pubSub,
  });
}
