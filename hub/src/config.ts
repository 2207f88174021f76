/**
 * The hub's configuration: the one place that reads `process.env`.
 *
 * Every variable is declared once in {@link VARIABLES} (config-variables.ts) with its default, a
 * description and a parser (config-parsers.ts); the table in docs/configuration.md is generated from this list (`npm run docs:config`)
 * and the docker-compose test is checked against it, so a variable cannot be documented or
 * deployed without existing here.
 */
import { ConfigError, type MetricTier, type Variable } from './config-parsers.js';
import { VARIABLES, type VariableName } from './config-variables.js';

export { ConfigError, type MetricTier } from './config-parsers.js';
export { VARIABLES, type VariableName } from './config-variables.js';

/** Variables the hub read once and no longer does: setting one is an error, so nothing changes silently. */
export const RETIRED: Record<string, string> = {
  AIMASS_TRUST_PROXY: 'set AIMASS_TRUST_PROXY_HOPS to the number of proxies in front of the hub (1 behind one load balancer)',
};

type Parsed = { [K in VariableName]: ReturnType<(typeof VARIABLES)[K]['parse']> };

export interface Config {
  env: Parsed['NODE_ENV'];
  port: number;
  host: string;
  publicUrl: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  /** AIMASS_EMBEDDED_DB: used only without DATABASE_URL. */
  embeddedDatabase: Parsed['AIMASS_EMBEDDED_DB'];
  poolSize: number;
  logLevel: Parsed['LOG_LEVEL'];
  sessionTtlSeconds: number;
  login: { maxFailuresPerPair: number; maxFailuresPerAccount: number; maxAttemptsPerIp: number; windowSeconds: number };
  signUp: { maxPerIp: number; windowSeconds: number };
  /** AIMASS_TRUST_PROXY_HOPS: Express's `trust proxy` as a hop count. */
  trustProxyHops: number;
  maxBodyBytes: number;
  graphqlLimits: { depth: number; aliases: number; cost: number; tokens: number; directives: number };
  agent: { maxFrameBytes: number; heartbeatSeconds: number };
  jobs: { leaseSeconds: number; retryBaseSeconds: number; retryMaxSeconds: number; tickSeconds: number; benchmarkOnJoin: boolean };
  localAgents: number;
  webDir: string;
  datasets: { maxBytes: number; inferRows: number; maxRows: number; maxColumns: number; profileSampleRows: number; overlapWaitMs: number };
  models: { maxBytes: number; checkConcurrency: number; checkQueue: number };
  /** Per-owner storage quotas in bytes; 0 is unlimited. */
  quotas: { datasetBytes: number; artifactBytes: number };
  sql: {
    timeoutMs: number;
    maxRows: number;
    maxCost: number;
    /** AIMASS_SQL_MAX_RESULT_BYTES */
    maxResultBytes: number;
    /** AIMASS_SQL_DATABASE_URL: the sandbox's login given by the operator; undefined: the hub manages role aimass_sql. */
    databaseUrl: string | undefined;
  };
  /** Training by SQL (training/). */
  training: { checkpointEpochs: number; maxRows: number; chunkRows: number; maxClasses: number; maxVocabulary: number; maxTrials: number };
  /** ML.PREDICT and ML.EVALUATE by SQL (ml/). */
  ml: { waitMs: number; maxRows: number; resultHours: number; onlineMaxRows: number };
  promotion: { waitMs: number };
  /** Verified benchmark evaluation (leaderboards/verification/). */
  evaluation: { quorum: number; trustedAfter: number; spotRows: number; tolerance: number; maxRuns: number; closeCheckMs: number };
  /** The inference router (serving/router/): deadlines, per-replica cap, retry budget, outlier ejection. */
  inference: {
    defaultDeadlineMs: number;
    maxDeadlineMs: number;
    replicaMaxOutstanding: number;
    retryBudgetPercent: number;
    retryMinPerSecond: number;
    ejectionFailures: number;
    ejectionLatencyFactor: number;
    ejectionBaseSeconds: number;
    ejectionMaxSeconds: number;
  };
  /** Online predictions through the front doors (serving/doors/). */
  serving: { maxBodyBytes: number };
  /** Deployments and their replicas (serving/). */
  deployments: { maxQueue: number; reconcileMs: number; spreadWaitSeconds: number; autoscaleTickMs: number; rolloutTickMs: number; budgetTickMs: number };
  /** The predictive planner and capacity sharing (serving/autoscale/planner.ts, capacity-share.ts). */
  planner: { everyMinutes: number; slotMinutes: number; historyDays: number; minHistoryDays: number; defaultStartSeconds: number; replicasPerNode: number };
  /** Deployment metrics time series (serving/monitoring/). */
  monitoring: { tiers: MetricTier[]; rollupSeconds: number; maxDeploymentLabels: number };
  /** Deployment alert rules and incidents (serving/alerts/). */
  alerts: { evaluateSeconds: number; throttleSeconds: number };
  /** Continuous training (retraining/): the loop's period, and the clock file read instead of the system clock. */
  retraining: { tickMs: number; clockFile: string | undefined };
  /** AIMASS_MODEL_SPEC_MAX_PARAMS */
  modelSpecMaxParams: number;
  webhooks: { maxAttempts: number; retryBaseMs: number; retryMaxMs: number; timeoutMs: number; allowPrivate: boolean };
  /** AIMASS_DEBUG_SQL_COUNT */
  debugSqlCount: boolean;
  /** AIMASS_DEBUG_SQL_TEXT */
  debugSqlText: boolean;
}

/** Reads and validates `env`; throws {@link ConfigError} naming every bad variable at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];
  const values = {} as Record<string, unknown>;
  for (const [name, variable] of Object.entries(VARIABLES) as [string, Variable<unknown>][]) {
    const raw = env[name] === '' ? undefined : env[name];
    const source = raw ?? variable.default;
    if (source === undefined) {
      values[name] = undefined;
      continue;
    }
    try {
      values[name] = variable.parse(source, name);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const [name, replacement] of Object.entries(RETIRED)) {
    if (env[name] !== undefined && env[name] !== '') problems.push(`${name} is no longer read: ${replacement}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const v = values as Parsed;
  return {
    env: v.NODE_ENV,
    port: v.PORT,
    host: v.HOST,
    publicUrl: v.AIMASS_PUBLIC_URL,
    databaseUrl: v.DATABASE_URL,
    dataDir: v.AIMASS_DATA_DIR,
    embeddedDatabase: v.AIMASS_EMBEDDED_DB,
    poolSize: v.DATABASE_POOL_SIZE,
    logLevel: v.LOG_LEVEL,
    sessionTtlSeconds: v.AIMASS_SESSION_TTL_SECONDS,
    login: {
      maxFailuresPerPair: v.AIMASS_LOGIN_MAX_FAILURES,
      maxFailuresPerAccount: v.AIMASS_LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxAttemptsPerIp: v.AIMASS_LOGIN_MAX_ATTEMPTS_PER_IP,
      windowSeconds: v.AIMASS_LOGIN_WINDOW_SECONDS,
    },
    signUp: { maxPerIp: v.AIMASS_SIGNUP_MAX_PER_IP, windowSeconds: v.AIMASS_SIGNUP_WINDOW_SECONDS },
    trustProxyHops: v.AIMASS_TRUST_PROXY_HOPS,
    maxBodyBytes: v.AIMASS_MAX_BODY_BYTES,
    graphqlLimits: {
      depth: v.AIMASS_GRAPHQL_MAX_DEPTH,
      aliases: v.AIMASS_GRAPHQL_MAX_ALIASES,
      cost: v.AIMASS_GRAPHQL_MAX_COST,
      tokens: v.AIMASS_GRAPHQL_MAX_TOKENS,
      directives: v.AIMASS_GRAPHQL_MAX_DIRECTIVES,
    },
    agent: { maxFrameBytes: v.AIMASS_AGENT_MAX_FRAME_BYTES, heartbeatSeconds: v.AIMASS_AGENT_HEARTBEAT_SECONDS },
    jobs: {
      leaseSeconds: v.AIMASS_JOB_LEASE_SECONDS,
      retryBaseSeconds: v.AIMASS_JOB_RETRY_BASE_SECONDS,
      retryMaxSeconds: v.AIMASS_JOB_RETRY_MAX_SECONDS,
      tickSeconds: v.AIMASS_SCHEDULER_TICK_SECONDS,
      benchmarkOnJoin: v.AIMASS_BENCHMARK_ON_JOIN,
    },
    localAgents: v.AIMASS_LOCAL_AGENTS,
    webDir: v.AIMASS_WEB_DIR,
    datasets: {
      maxBytes: v.AIMASS_DATASET_MAX_BYTES,
      inferRows: v.AIMASS_DATASET_INFER_ROWS,
      maxRows: v.AIMASS_DATASET_MAX_ROWS,
      maxColumns: v.AIMASS_DATASET_MAX_COLUMNS,
      profileSampleRows: v.AIMASS_DATASET_PROFILE_SAMPLE_ROWS,
      overlapWaitMs: v.AIMASS_DATASET_OVERLAP_WAIT_MS,
    },
    models: { maxBytes: v.AIMASS_MODEL_MAX_BYTES, checkConcurrency: v.AIMASS_MODEL_CHECK_CONCURRENCY, checkQueue: v.AIMASS_MODEL_CHECK_QUEUE },
    quotas: { datasetBytes: v.AIMASS_QUOTA_DATASET_BYTES, artifactBytes: v.AIMASS_QUOTA_ARTIFACT_BYTES },
    sql: {
      timeoutMs: v.AIMASS_SQL_TIMEOUT_MS,
      maxRows: v.AIMASS_SQL_MAX_ROWS,
      maxCost: v.AIMASS_SQL_MAX_COST,
      maxResultBytes: v.AIMASS_SQL_MAX_RESULT_BYTES,
      databaseUrl: v.AIMASS_SQL_DATABASE_URL,
    },
    training: {
      checkpointEpochs: v.AIMASS_TRAIN_CHECKPOINT_EPOCHS,
      maxRows: v.AIMASS_TRAIN_MAX_ROWS,
      chunkRows: v.AIMASS_TRAIN_CHUNK_ROWS,
      maxClasses: v.AIMASS_TRAIN_MAX_CLASSES,
      maxVocabulary: v.AIMASS_TRAIN_MAX_VOCABULARY,
      maxTrials: v.AIMASS_TRAIN_MAX_TRIALS,
    },
    ml: { waitMs: v.AIMASS_ML_WAIT_MS, maxRows: v.AIMASS_ML_MAX_ROWS, resultHours: v.AIMASS_ML_RESULT_HOURS, onlineMaxRows: v.AIMASS_ML_ONLINE_MAX_ROWS },
    promotion: { waitMs: v.AIMASS_PROMOTION_WAIT_MS },
    evaluation: {
      quorum: v.AIMASS_EVALUATION_QUORUM,
      trustedAfter: v.AIMASS_EVALUATION_TRUSTED_AFTER,
      spotRows: v.AIMASS_EVALUATION_SPOT_ROWS,
      tolerance: v.AIMASS_EVALUATION_TOLERANCE_PPM / 1e6,
      maxRuns: v.AIMASS_EVALUATION_MAX_RUNS,
      closeCheckMs: v.AIMASS_BENCHMARK_CLOSE_CHECK_SECONDS * 1000,
    },
    inference: {
      defaultDeadlineMs: v.AIMASS_INFERENCE_DEADLINE_MS,
      maxDeadlineMs: v.AIMASS_INFERENCE_MAX_DEADLINE_MS,
      replicaMaxOutstanding: v.AIMASS_INFERENCE_REPLICA_MAX_OUTSTANDING,
      retryBudgetPercent: v.AIMASS_INFERENCE_RETRY_BUDGET_PERCENT,
      retryMinPerSecond: v.AIMASS_INFERENCE_RETRY_MIN_PER_SECOND,
      ejectionFailures: v.AIMASS_INFERENCE_EJECTION_FAILURES,
      ejectionLatencyFactor: v.AIMASS_INFERENCE_EJECTION_LATENCY_FACTOR,
      ejectionBaseSeconds: v.AIMASS_INFERENCE_EJECTION_BASE_SECONDS,
      ejectionMaxSeconds: v.AIMASS_INFERENCE_EJECTION_MAX_SECONDS,
    },
    serving: { maxBodyBytes: v.AIMASS_SERVING_MAX_BODY_BYTES },
    deployments: { maxQueue: v.AIMASS_SERVE_MAX_QUEUE, reconcileMs: v.AIMASS_SERVE_RECONCILE_MS, spreadWaitSeconds: v.AIMASS_SERVE_SPREAD_WAIT_SECONDS, autoscaleTickMs: v.AIMASS_SERVE_AUTOSCALE_TICK_MS, rolloutTickMs: v.AIMASS_ROLLOUT_TICK_MS, budgetTickMs: v.AIMASS_BUDGET_TICK_MS },
    planner: {
      everyMinutes: v.AIMASS_SERVE_PLANNER_MINUTES,
      slotMinutes: v.AIMASS_SERVE_PLANNER_SLOT_MINUTES,
      historyDays: v.AIMASS_SERVE_PLANNER_HISTORY_DAYS,
      minHistoryDays: v.AIMASS_SERVE_PLANNER_MIN_HISTORY_DAYS,
      defaultStartSeconds: v.AIMASS_SERVE_PLANNER_START_SECONDS,
      replicasPerNode: v.AIMASS_SERVE_REPLICAS_PER_NODE,
    },
    monitoring: { tiers: v.AIMASS_METRICS_TIERS, rollupSeconds: v.AIMASS_METRICS_ROLLUP_SECONDS, maxDeploymentLabels: v.AIMASS_METRICS_MAX_DEPLOYMENT_LABELS },
    alerts: { evaluateSeconds: v.AIMASS_ALERTS_EVALUATE_SECONDS, throttleSeconds: v.AIMASS_ALERTS_THROTTLE_SECONDS },
    retraining: { tickMs: v.AIMASS_RETRAIN_TICK_MS, clockFile: v.AIMASS_RETRAIN_CLOCK_FILE },
    modelSpecMaxParams: v.AIMASS_MODEL_SPEC_MAX_PARAMS,
    webhooks: {
      maxAttempts: v.AIMASS_WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: v.AIMASS_WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: v.AIMASS_WEBHOOK_RETRY_MAX_MS,
      timeoutMs: v.AIMASS_WEBHOOK_TIMEOUT_MS,
      allowPrivate: v.AIMASS_WEBHOOK_ALLOW_PRIVATE,
    },
    debugSqlCount: v.AIMASS_DEBUG_SQL_COUNT,
    debugSqlText: v.AIMASS_DEBUG_SQL_TEXT,
  };
}

/**
 * The environment for a child process the hub starts (the local agents): the hub's own, plus
 * `extra`. Kept here so the environment is read in this module only.
 */
export function childEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
