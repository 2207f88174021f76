/**
 * The hub's services, built once at start and handed to resolvers (through the GraphQL
 * context), REST routes and the agent gateway. Each domain adds its own here.
 */
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { AccessService } from './access/index.js';
import { AccountsService } from './accounts/accounts.service.js';
import { ApiKeysService } from './accounts/api-keys.service.js';
import { LoginLimiter } from './accounts/login-limiter.js';
import { SignupLimiter } from './accounts/signup-limiter.js';
import { NodeTokensService } from './accounts/node-tokens.service.js';
import { OrganizationsService } from './accounts/organizations.service.js';
import { ArchitecturesService, ModelSpecValidator, WorkerTfConfirmer } from './architectures/index.js';
import { BlobSweeper, FsArtifactStore } from './artifacts/index.js';
import { CatalogService } from './catalog/catalog.service.js';
import { modelBlobReferences } from './catalog/model-blob-references.js';
import { ModelDeletionService } from './catalog/model-deletion.service.js';
import { ModelForksService } from './catalog/model-forks.service.js';
import { MODEL_SHARING, ModelSharingService } from './catalog/model-sharing.service.js';
import { PublishingService } from './catalog/publishing.service.js';
import { VersionMetadataService } from './catalog/version-metadata.service.js';
import { assertJobKindHandlers } from './compute/job-kinds.js';
import { JobsService } from './compute/jobs.service.js';
import { NodesService } from './compute/nodes.service.js';
import { Scheduler } from './compute/scheduler.js';
import { TrustService } from './compute/trust.service.js';
import type { Config } from './config.js';
import { DATASET_SHARING, DatasetSharingService } from './datasets/dataset-sharing.service.js';
import { DatasetsService } from './datasets/datasets.service.js';
import type { DatabaseKind } from './db/database.js';
import type { Signals } from './db/signals.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { NotificationFanOut, NotificationsService, SubjectKind, SubscriptionsService, WebhookWorker, type SubjectRules } from './notifications/index.js';
import type { EventBus } from './pubsub.js';
import { ResourceSharing } from './sharing/index.js';
import { SqlService } from './sql/sql.service.js';
import { TrainingJobFiles, TrainingService, TrainingTuner, trainingBlobReferences } from './training/index.js';
import { MlJobFiles, MlService } from './ml/index.js';

export interface Services {
  config: Config;
  events: EventBus;
  signals: Signals;
  accounts: AccountsService;
  loginLimiter: LoginLimiter;
  signupLimiter: SignupLimiter;
  apiKeys: ApiKeysService;
  nodeTokens: NodeTokensService;
  organizations: OrganizationsService;
  access: AccessService;
  nodes: NodesService;
  /** Trusted-node and trusted-provider lists (residency: compute/placement.ts). */
  trust: TrustService;
  jobs: JobsService;
  scheduler: Scheduler;
  datasets: DatasetsService;
  datasetSharing: DatasetSharingService;
  artifacts: FsArtifactStore;
  catalog: CatalogService;
  /** Saved model specs (the model editor) and spec validation. */
  architectures: ArchitecturesService;
  modelSharing: ModelSharingService;
  modelForks: ModelForksService;
  modelDeletion: ModelDeletionService;
  /** Deletes artifact blobs no row names (after deletions, and from housekeeping). */
  blobSweeper: BlobSweeper;
  publishing: PublishingService;
  versionMetadata: VersionMetadataService;
  /** The SQL surface: sandboxed SELECTs over datasets (sql/). */
  sql: SqlService;
  /** The inbox and live notificationAdded events. */
  notifications: NotificationsService;
  /** Following models and datasets, webhooks, plans, delivery logs. */
  subscriptions: SubscriptionsService;
  /** Sends webhook deliveries; started and stopped by server.ts. */
  webhookWorker: WebhookWorker;
  /** Training by SQL: CREATE MODEL jobs, ML.TRAINING_INFO, training runs and their epochs. */
  training: TrainingService;
  /** The training agent's job-token door: rows, epochs, checkpoints, the trained model. */
  trainingJobFiles: TrainingJobFiles;
  /** ML.PREDICT and ML.EVALUATE by SQL: `predict` jobs and their results (ml/). */
  ml: MlService;
  /** The predict agent's job-token door: model files, input rows, predictions. */
  mlJobFiles: MlJobFiles;
}

export function createServices(deps: {
  db: DataSource;
  /** The hub's database login URL and kind (the SQL sandbox logs in beside it). */
  database: { url: string; kind: DatabaseKind };
  config: Config;
  events: EventBus;
  signals: Signals;
  metrics: Metrics;
  log: Logger;
}): Services {
  const { db, config, events, signals } = deps;
  assertJobKindHandlers();
  const loginLimiter = new LoginLimiter(db, config.login);
  const signupLimiter = new SignupLimiter(db, config.signUp);
  const accounts = new AccountsService(db, config, loginLimiter, signals, signupLimiter);
  const nodeTokens = new NodeTokensService(db, events, signals);
  const organizations = new OrganizationsService(db, accounts, events);
  const nodes = new NodesService(db, nodeTokens, events, signals);
  const jobs = new JobsService(db, organizations, events, signals);
  const access = new AccessService(db);
  const datasetAccess = new ResourceSharing(db, access, accounts, events, DATASET_SHARING);
  // Who may hear about a model or dataset: its domain's sharing rule (modelAccess is read when a notification is written, after it is built below).
  const subjectRules: SubjectRules = {
    [SubjectKind.MODEL]: { readableSql: (alias, user) => modelAccess.readableSql(alias, user) },
    [SubjectKind.DATASET]: datasetAccess,
  };
  const notificationFanOut = new NotificationFanOut(subjectRules, signals);
  const datasets = new DatasetsService(db, config, deps.database.kind === 'pglite' ? 'pglite' : 'postgres', accounts, organizations, datasetAccess, notificationFanOut);
  const artifacts = new FsArtifactStore(path.join(config.dataDir, 'artifacts'));
  // Every domain that names blobs registers its references here, or the orphan sweep takes its blobs.
  const blobSweeper = new BlobSweeper(artifacts, [modelBlobReferences(db), trainingBlobReferences(db)]);
  const modelAccess = new ResourceSharing(db, access, accounts, events, MODEL_SHARING);
  const catalog = new CatalogService(db, config, artifacts, modelAccess, organizations, blobSweeper);
  const services: Omit<Services, 'training' | 'trainingJobFiles' | 'ml' | 'mlJobFiles'> = {
    config,
    events,
    signals,
    accounts,
    loginLimiter,
    signupLimiter,
    apiKeys: new ApiKeysService(db, events, signals),
    nodeTokens,
    organizations,
    access,
    nodes,
    trust: new TrustService(db, accounts, organizations, nodes),
    jobs,
    scheduler: new Scheduler(db, config, jobs, nodes, signals, deps.metrics, deps.log.child({ component: 'scheduler' })),
    datasets,
    datasetSharing: new DatasetSharingService(datasets, datasetAccess),
    artifacts,
    catalog,
    architectures: new ArchitecturesService(db, access, organizations, new ModelSpecValidator({ maxParams: config.modelSpecMaxParams }, new WorkerTfConfirmer(), deps.log.child({ component: 'architectures' }))),
    modelSharing: new ModelSharingService(db, catalog, modelAccess),
    modelForks: new ModelForksService(db, catalog, organizations),
    modelDeletion: new ModelDeletionService(db, catalog, blobSweeper, deps.log.child({ component: 'catalog' })),
    blobSweeper,
    publishing: new PublishingService(db, catalog, events, notificationFanOut),
    versionMetadata: new VersionMetadataService(db, catalog, datasets),
    sql: new SqlService(db, config, datasets, catalog, organizations, deps.database, deps.log.child({ component: 'sql' })),
    notifications: new NotificationsService(db, subjectRules, events, signals, deps.log.child({ component: 'notifications' })),
    subscriptions: new SubscriptionsService(db, config, subjectRules, { [SubjectKind.MODEL]: catalog, [SubjectKind.DATASET]: datasets }),
    webhookWorker: new WebhookWorker(db, config, subjectRules, signals, deps.log.child({ component: 'webhooks' })),
  };
  const trainingTuner = new TrainingTuner(db, catalog, jobs, blobSweeper, events, deps.log.child({ component: 'tuning' }));
  const training = new TrainingService(db, config, services.sql, catalog, services.architectures, organizations, datasets, jobs, events, trainingTuner);
  const trainingJobFiles = new TrainingJobFiles(db, config, services.sql, catalog, services.versionMetadata, artifacts, blobSweeper, events, deps.log.child({ component: 'training' }));
  services.sql.handle('CREATE_MODEL', (principal, prepared) => training.createModel(principal, prepared));
  services.sql.handle('ML_TRAINING_INFO', (principal, prepared, page) => training.trainingInfo(principal, prepared, page));
  services.sql.handle('ML_TRIAL_INFO', (principal, prepared, page) => training.trialInfo(principal, prepared, page));
  services.scheduler.checkResults('train', (jobId, result) => training.checkResult(jobId, result));
  const ml = new MlService(db, config, services.sql, catalog, datasets, jobs);
  const mlJobFiles = new MlJobFiles(db, config, services.sql, artifacts);
  services.sql.handle('ML_PREDICT', (principal, prepared, page) => ml.run(principal, prepared, page));
  services.sql.handle('ML_EVALUATE', (principal, prepared, page) => ml.run(principal, prepared, page));
  services.scheduler.checkResults('predict', (jobId, result) => ml.checkResult(jobId, result));
  return { ...services, training, trainingJobFiles, ml, mlJobFiles };
}
