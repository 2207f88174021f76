/**
 * What an API key needs for each GraphQL operation: the one place it is declared. The operation
 * guard (operation-guard.ts) checks it for queries and mutations over HTTP and for subscriptions
 * over graphql-ws, before anything runs; a test walks the built schema so that no operation is
 * left out. Whether an operation needs a signed-in caller at all is `@Authorized` on the resolver;
 * this map only says what an API key must carry on top. docs/security.md shows it as a table.
 */
import { ANY_SCOPE, SESSION_ONLY, type KeyAccess } from '../accounts/key-access.js';
import { Scope } from '../accounts/scopes.js';

type Access = Record<string, KeyAccess>;

const query: Access = {
  me: ANY_SCOPE,
  user: ANY_SCOPE,
  organization: ANY_SCOPE,
  myOrganizations: ANY_SCOPE,
  apiKeys: SESSION_ONLY,

  model: Scope.MODELS_READ,
  models: Scope.MODELS_READ,
  modelVersion: Scope.MODELS_READ,
  promotionComparison: Scope.MODELS_READ,
  deployment: Scope.MODELS_READ,
  deployments: Scope.MODELS_READ,
  architecture: Scope.MODELS_READ,
  architectures: Scope.MODELS_READ,
  validateModelSpec: Scope.MODELS_READ,

  dataset: Scope.DATASETS_READ,
  datasets: Scope.DATASETS_READ,
  datasetVersion: Scope.DATASETS_READ,
  benchmark: Scope.DATASETS_READ,
  benchmarks: Scope.DATASETS_READ,
  sqlJobResult: Scope.DATASETS_READ,

  job: Scope.JOBS_READ,
  jobs: Scope.JOBS_READ,
  trainingRun: Scope.JOBS_READ,

  network: Scope.NODES_READ,
  node: Scope.NODES_READ,
  myNodes: Scope.NODES_MANAGE,
  nodeTokens: Scope.NODES_MANAGE,
  trustList: Scope.NODES_MANAGE,

  notifications: Scope.NOTIFICATIONS,
  unreadNotificationCount: Scope.NOTIFICATIONS,
  mySubscriptions: Scope.NOTIFICATIONS,
  subscription: Scope.NOTIFICATIONS,
  subscriptionTo: Scope.NOTIFICATIONS,
  webhookDeliveries: Scope.NOTIFICATIONS,

  usage: Scope.MODELS_READ,
};

const mutation: Access = {
  signUp: ANY_SCOPE,
  logIn: ANY_SCOPE,
  logOut: SESSION_ONLY,
  createApiKey: SESSION_ONLY,
  revokeApiKey: SESSION_ONLY,
  createOrganization: SESSION_ONLY,
  updateOrganization: SESSION_ONLY,
  deleteOrganization: SESSION_ONLY,
  addOrganizationMember: SESSION_ONLY,
  setOrganizationMemberRole: SESSION_ONLY,
  removeOrganizationMember: SESSION_ONLY,

  createModel: Scope.MODELS_WRITE,
  createDeployment: Scope.MODELS_WRITE,
  updateDeployment: Scope.MODELS_WRITE,
  deleteDeployment: Scope.MODELS_WRITE,
  startRollout: Scope.MODELS_WRITE,
  pauseRollout: Scope.MODELS_WRITE,
  resumeRollout: Scope.MODELS_WRITE,
  abortRollout: Scope.MODELS_WRITE,
  setDeploymentBudget: Scope.MODELS_WRITE,
  createAlertRule: Scope.MODELS_WRITE,
  updateAlertRule: Scope.MODELS_WRITE,
  deleteAlertRule: Scope.MODELS_WRITE,
  updateModel: Scope.MODELS_WRITE,
  deleteModel: Scope.MODELS_WRITE,
  forkModel: Scope.MODELS_WRITE,
  setModelAlias: Scope.MODELS_WRITE,
  setPromotionRule: Scope.MODELS_WRITE,
  compareVersions: Scope.MODELS_WRITE,
  promoteVersion: Scope.MODELS_WRITE,
  rollBackProduction: Scope.MODELS_WRITE,
  setRetrainingTriggers: Scope.MODELS_WRITE,
  runRetrainingNow: Scope.MODELS_WRITE,
  pauseRetraining: Scope.MODELS_WRITE,
  resumeRetraining: Scope.MODELS_WRITE,
  deleteModelAlias: Scope.MODELS_WRITE,
  deleteModelVersion: Scope.MODELS_WRITE,
  setModelCard: Scope.MODELS_WRITE,
  setModelVersionMetadata: Scope.MODELS_WRITE,
  publishModelVersion: Scope.MODELS_WRITE,
  deprecateModelVersion: Scope.MODELS_WRITE,
  unpublishModelVersion: Scope.MODELS_WRITE,
  setModelCollaborator: Scope.MODELS_WRITE,
  decideModelAccessRequest: Scope.MODELS_WRITE,
  createArchitecture: Scope.MODELS_WRITE,
  updateArchitecture: Scope.MODELS_WRITE,
  deleteArchitecture: Scope.MODELS_WRITE,
  starModel: Scope.MODELS_READ,
  requestModelAccess: Scope.MODELS_READ,

  createDataset: Scope.DATASETS_WRITE,
  updateDataset: Scope.DATASETS_WRITE,
  addDatasetVersion: Scope.DATASETS_WRITE,
  setDatasetCollaborator: Scope.DATASETS_WRITE,
  decideDatasetAccessRequest: Scope.DATASETS_WRITE,
  starDataset: Scope.DATASETS_READ,
  requestDatasetAccess: Scope.DATASETS_READ,
  // A benchmark's dev split is a new dataset: benchmarks are written with datasets:write.
  createBenchmark: Scope.DATASETS_WRITE,
  updateBenchmark: Scope.DATASETS_WRITE,
  deleteBenchmark: Scope.DATASETS_WRITE,
  // Statements that write (CREATE MODEL) also need models:write; the SQL service checks that per statement.
  runSql: Scope.DATASETS_READ,

  submitJob: Scope.JOBS_WRITE,
  // A submission runs an evaluation job for the submitter.
  submitToBenchmark: Scope.JOBS_WRITE,
  // Entering a model submits its versions as the caller; the standings service also asks models:write.
  enterStandingBenchmark: Scope.JOBS_WRITE,
  leaveStandingBenchmark: Scope.JOBS_WRITE,
  cancelJob: Scope.JOBS_WRITE,

  registerNode: Scope.NODES_MANAGE,
  drainNode: Scope.NODES_MANAGE,
  disableNode: Scope.NODES_MANAGE,
  enableNode: Scope.NODES_MANAGE,
  deleteNode: Scope.NODES_MANAGE,
  revokeNodeToken: Scope.NODES_MANAGE,
  trustNode: Scope.NODES_MANAGE,
  untrustNode: Scope.NODES_MANAGE,
  trustProvider: Scope.NODES_MANAGE,
  untrustProvider: Scope.NODES_MANAGE,
  setNodeOperatorRun: SESSION_ONLY,
  // Platform administration is done in a session, never with a key.
  quarantineNode: SESSION_ONLY,
  releaseNodeFromQuarantine: SESSION_ONLY,

  // Serving's GraphQL front door: the one operation the inference scope opens.
  predict: Scope.INFERENCE,

  subscribe: Scope.NOTIFICATIONS,
  updateSubscription: Scope.NOTIFICATIONS,
  unsubscribe: Scope.NOTIFICATIONS,
  markNotificationsRead: Scope.NOTIFICATIONS,
  markAllNotificationsRead: Scope.NOTIFICATIONS,
};

const subscription: Access = {
  accountEvents: SESSION_ONLY,
  modelEvents: Scope.MODELS_READ,
  leaderboardChanged: Scope.DATASETS_READ,
  deploymentChanged: Scope.MODELS_READ,
  deploymentMetricsAdded: Scope.MODELS_READ,
  jobUpdated: Scope.JOBS_READ,
  trainingEpochAdded: Scope.JOBS_READ,
  nodeChanged: Scope.NODES_READ,
  notificationAdded: Scope.NOTIFICATIONS,
};

/** Root type name → operation name → what an API key needs. */
export const OPERATION_ACCESS: Readonly<Record<'Query' | 'Mutation' | 'Subscription', Readonly<Access>>> = {
  Query: query,
  Mutation: mutation,
  Subscription: subscription,
};
