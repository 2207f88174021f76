/**
 * The hub's modules, built once at start, one per domain, in the order they need each other: each
 * gets the ground floor and the services of the modules it uses (docs/hub-modules.md). Their
 * services together are the bag resolvers see (Context.services); their SQL statements and job
 * kinds are handed to the sql and compute modules here, and the hub refuses to start when a job
 * kind has no hooks or a notification subject no owner.
 */
import { accountsModule } from './accounts/index.js';
import { architecturesModule } from './architectures/index.js';
import { artifactsModule } from './artifacts/index.js';
import { benchmarksModule } from './benchmarks/index.js';
import { catalogModule, modelBlobReferences } from './catalog/index.js';
import { computeModule } from './compute/index.js';
import { datasetsModule } from './datasets/index.js';
import type { DatabaseKind } from './db/database.js';
import { leaderboardsModule } from './leaderboards/index.js';
import { mlModule } from './ml/index.js';
import type { HubFloor, HubModule, Services } from './module.js';
import { notificationsModule } from './notifications/index.js';
import { promotionModule } from './promotion/index.js';
import { servingModule } from './serving/index.js';
import { retrainingModule } from './retraining/index.js';
import { sqlModule } from './sql/index.js';
import { storageModule } from './storage/index.js';
import { trainingBlobReferences, trainingModule } from './training/index.js';

export type { Services } from './module.js';

export interface HubModules {
  /** In the order they were built (start in this order, stop and close in the reverse). */
  modules: HubModule[];
  services: Services;
}

export function createModules(
  floor: HubFloor,
  /** The hub's database login URL and kind (the SQL sandbox logs in beside it). */
  database: { url: string; kind: DatabaseKind },
): HubModules {
  const accounts = accountsModule(floor);
  const compute = computeModule(floor, accounts.services, database.kind === 'pglite' ? undefined : database.url);
  // Every domain that names blobs lists its references here, or the orphan sweep takes its blobs.
  const artifacts = artifactsModule(floor, [modelBlobReferences(floor.db), trainingBlobReferences(floor.db)]);
  const notifications = notificationsModule(floor);
  const datasets = datasetsModule(floor, database.kind === 'pglite' ? 'pglite' : 'postgres', accounts.services, notifications.services);
  const catalog = catalogModule(floor, accounts.services, artifacts.services, datasets.services, notifications.services);
  const architectures = architecturesModule(floor, accounts.services);
  const benchmarks = benchmarksModule(floor, accounts.services, datasets.services);
  const sql = sqlModule(floor, database, accounts.services, datasets.services, catalog.services);
  const training = trainingModule(floor, accounts.services, compute.services, artifacts.services, datasets.services, catalog.services, architectures.services, sql.services);
  const ml = mlModule(floor, accounts.services, compute.services, artifacts.services, datasets.services, catalog.services, sql.services, benchmarks.services);
  const serving = servingModule(floor, accounts.services, compute.services, catalog.services, artifacts.services, training.services, ml.services, notifications.services);
  const leaderboards = leaderboardsModule(floor, benchmarks.services, catalog.services, ml.services, accounts.services, notifications.services, compute.services, artifacts.services);
  const promotion = promotionModule(floor, accounts.services, catalog.services, sql.services, ml.services, notifications.services, leaderboards.services);
  const retraining = retrainingModule(floor, catalog.services, datasets.services, sql.services, training.services);
  retraining.services.retraining.usePromotion(promotion.services.promotion);
  const modules: HubModule[] = [accounts, compute, artifacts, notifications, datasets, catalog, architectures, benchmarks, sql, storageModule(), training, ml, serving, leaderboards, promotion, retraining];

  for (const module of modules) {
    for (const [kind, handler] of Object.entries(module.sqlStatements ?? {})) {
      if (handler) sql.services.sql.handle(kind as keyof NonNullable<HubModule['sqlStatements']>, handler);
    }
    if (module.jobKinds) compute.services.jobKinds.add(module.name, module.jobKinds);
  }
  compute.services.jobKinds.assertComplete();

  const services = Object.assign({ config: floor.config, events: floor.events, signals: floor.signals }, ...modules.map((m) => m.services)) as Services;
  return { modules, services };
}
