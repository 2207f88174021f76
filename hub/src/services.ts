/**
 * The hub's services, built once at start and handed to resolvers (through the GraphQL
 * context), REST routes and the agent gateway. Each domain adds its own here.
 */
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { AccessService } from './accounts/access.js';
import { AccountsService } from './accounts/accounts.service.js';
import { ApiKeysService } from './accounts/api-keys.service.js';
import { LoginLimiter } from './accounts/login-limiter.js';
import { NodeTokensService } from './accounts/node-tokens.service.js';
import { OrganizationsService } from './accounts/organizations.service.js';
import { FsArtifactStore } from './artifacts/index.js';
import { CatalogService } from './catalog/catalog.service.js';
import { PublishingService } from './catalog/publishing.service.js';
import { VersionMetadataService } from './catalog/version-metadata.service.js';
import { assertJobKindHandlers } from './compute/job-kinds.js';
import { JobsService } from './compute/jobs.service.js';
import { NodesService } from './compute/nodes.service.js';
import { Scheduler } from './compute/scheduler.js';
import type { Config } from './config.js';
import { DatasetSharingService } from './datasets/dataset-sharing.service.js';
import { DatasetsService } from './datasets/datasets.service.js';
import type { Signals } from './db/signals.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { EventBus } from './pubsub.js';

export interface Services {
  config: Config;
  events: EventBus;
  signals: Signals;
  accounts: AccountsService;
  loginLimiter: LoginLimiter;
  apiKeys: ApiKeysService;
  nodeTokens: NodeTokensService;
  organizations: OrganizationsService;
  access: AccessService;
  nodes: NodesService;
  jobs: JobsService;
  scheduler: Scheduler;
  datasets: DatasetsService;
  datasetSharing: DatasetSharingService;
  artifacts: FsArtifactStore;
  catalog: CatalogService;
  publishing: PublishingService;
  versionMetadata: VersionMetadataService;
}

export function createServices(deps: {
  db: DataSource;
  config: Config;
  events: EventBus;
  signals: Signals;
  metrics: Metrics;
  log: Logger;
}): Services {
  const { db, config, events, signals } = deps;
  assertJobKindHandlers();
  const loginLimiter = new LoginLimiter(db, config.login);
  const accounts = new AccountsService(db, config, loginLimiter);
  const nodeTokens = new NodeTokensService(db, events);
  const organizations = new OrganizationsService(db, accounts, events);
  const nodes = new NodesService(db, nodeTokens, events, signals);
  const jobs = new JobsService(db, organizations, events, signals);
  const access = new AccessService(db);
  const datasets = new DatasetsService(db, config, config.databaseUrl ? 'postgres' : 'pglite', accounts, organizations, access);
  const artifacts = new FsArtifactStore(path.join(config.dataDir, 'artifacts'));
  const catalog = new CatalogService(db, config, artifacts, access, organizations);
  return {
    config,
    events,
    signals,
    accounts,
    loginLimiter,
    apiKeys: new ApiKeysService(db, events),
    nodeTokens,
    organizations,
    access,
    nodes,
    jobs,
    scheduler: new Scheduler(db, config, jobs, nodes, signals, deps.metrics, deps.log.child({ component: 'scheduler' })),
    datasets,
    datasetSharing: new DatasetSharingService(db, datasets, accounts, events),
    artifacts,
    catalog,
    publishing: new PublishingService(db, catalog, events),
    versionMetadata: new VersionMetadataService(db, catalog, datasets),
  };
}
