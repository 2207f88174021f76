/**
 * Every variable the hub reads, declared once with its default, a description and a parser
 * (config-parsers.ts). config.ts loads them into the Config; docs/configuration.md is generated
 * from this table (`npm run docs:config`), in its order.
 */
import path from 'node:path';
import { bool, dayDivisorMinutes, httpUrl, int, metricTiers, oneOf, postgresUrl, text, type Variable } from './config-parsers.js';

export const VARIABLES = {
  NODE_ENV: {
    default: 'production',
    description: 'development shows error details to clients; production and test never do',
    parse: oneOf('development', 'production', 'test'),
  },
  PORT: { default: '4000', description: 'HTTP port (0 picks a free one)', parse: int(0, 65535) },
  HOST: { default: '127.0.0.1', description: 'interface to listen on (0.0.0.0 in containers)', parse: text },
  AIMASS_PUBLIC_URL: {
    default: undefined,
    description: 'URL users and agents reach the hub at; default http://localhost:PORT',
    parse: httpUrl,
  },
  DATABASE_URL: {
    default: undefined,
    description: 'PostgreSQL server to use; without it the hub runs an embedded database in AIMASS_DATA_DIR (AIMASS_EMBEDDED_DB)',
    parse: postgresUrl,
  },
  AIMASS_DATA_DIR: {
    default: './.aimass',
    description: 'where the embedded database and local files live',
    parse: (raw) => path.resolve(raw),
  },
  AIMASS_EMBEDDED_DB: {
    default: 'postgres',
    description:
      'embedded database without DATABASE_URL: postgres (a PostgreSQL server from npm binaries on a private Unix socket) or pglite (in-process fallback, cannot interrupt a query); see docs/embedded-database.md',
    parse: oneOf('postgres', 'pglite'),
  },
  DATABASE_POOL_SIZE: { default: '10', description: 'database connections in the hub\'s pool (the job claim has one more of its own on PostgreSQL)', parse: int(1, 200) },
  LOG_LEVEL: {
    default: 'info',
    description: 'pino level: fatal, error, warn, info, debug, trace, silent',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  AIMASS_SESSION_TTL_SECONDS: {
    default: '1209600',
    description: 'how long a login session lasts (14 days)',
    parse: int(1, 31536000),
  },
  AIMASS_LOGIN_MAX_FAILURES: {
    default: '10',
    description: 'failed logins allowed per account from one client address within the window before RATE_LIMITED (that pair only)',
    parse: int(1, 100000),
  },
  AIMASS_LOGIN_MAX_FAILURES_PER_ACCOUNT: {
    default: '100',
    description: 'failed logins allowed per account from all addresses within the window; addresses that logged in to it before are not held back',
    parse: int(1, 1000000),
  },
  AIMASS_LOGIN_MAX_ATTEMPTS_PER_IP: {
    default: '60',
    description: 'login attempts allowed per client address within the window, whatever the account',
    parse: int(1, 1000000),
  },
  AIMASS_LOGIN_WINDOW_SECONDS: {
    default: '900',
    description: 'length of the login rate-limit window',
    parse: int(1, 86400),
  },
  AIMASS_SIGNUP_MAX_PER_IP: {
    default: '10',
    description: 'accounts one client address may create within the sign-up window',
    parse: int(1, 1000000),
  },
  AIMASS_SIGNUP_WINDOW_SECONDS: {
    default: '3600',
    description: 'length of the sign-up rate-limit window',
    parse: int(1, 604800),
  },
  AIMASS_TRUST_PROXY_HOPS: {
    default: '0',
    description: 'proxies (load balancers) in front of the hub whose X-Forwarded-For is believed; 0 takes the connecting address',
    parse: int(0, 10),
  },
  AIMASS_MAX_BODY_BYTES: {
    default: '262144',
    description: 'largest JSON request body accepted at /graphql',
    parse: int(1024, 104857600),
  },
  AIMASS_GRAPHQL_MAX_DEPTH: { default: '12', description: 'deepest GraphQL selection allowed', parse: int(2, 100) },
  AIMASS_GRAPHQL_MAX_ALIASES: { default: '15', description: 'aliases allowed per operation', parse: int(1, 1000) },
  AIMASS_GRAPHQL_MAX_COST: { default: '5000', description: 'graphql-armor cost limit', parse: int(10, 1000000) },
  AIMASS_GRAPHQL_MAX_TOKENS: { default: '2000', description: 'tokens allowed in one document', parse: int(50, 1000000) },
  AIMASS_GRAPHQL_MAX_DIRECTIVES: { default: '20', description: 'directives allowed per operation', parse: int(1, 1000) },
  AIMASS_AGENT_MAX_FRAME_BYTES: {
    default: '1048576',
    description: 'largest WebSocket frame an agent may send',
    parse: int(1024, 268435456),
  },
  AIMASS_AGENT_HEARTBEAT_SECONDS: {
    default: '15',
    description: 'heartbeat interval the hub asks agents for in welcome',
    parse: int(1, 3600),
  },
  AIMASS_JOB_LEASE_SECONDS: {
    default: '60',
    description: 'a job lease lasts this long after each heartbeat that reports the job; then the job is requeued',
    parse: int(2, 86400),
  },
  AIMASS_JOB_RETRY_BASE_SECONDS: {
    default: '2',
    description: 'first retry delay of a failed or lost job; doubles with each failure',
    parse: int(0, 3600),
  },
  AIMASS_JOB_RETRY_MAX_SECONDS: { default: '300', description: 'longest retry delay', parse: int(0, 86400) },
  AIMASS_SCHEDULER_TICK_SECONDS: {
    default: '5',
    description: 'housekeeping interval (node-cron): expired leases, stale nodes, delayed retries',
    parse: int(1, 59),
  },
  AIMASS_BENCHMARK_ON_JOIN: {
    default: 'true',
    description: 'run the benchmark job on a node the first time it connects',
    parse: bool,
  },
  AIMASS_LOCAL_AGENTS: {
    default: '0',
    description: 'agents to start on this machine beside the hub (npm start passes --agents, default 1)',
    parse: int(0, 64),
  },
  AIMASS_DATASET_MAX_BYTES: {
    default: '1073741824',
    description: 'largest dataset upload accepted, in bytes (1 GiB); larger is refused with 413',
    parse: int(1, 1099511627776),
  },
  AIMASS_DATASET_INFER_ROWS: {
    default: '1000',
    description: 'rows of an upload sampled to infer column types (every row is then checked)',
    parse: int(1, 1000000),
  },
  AIMASS_DATASET_OVERLAP_WAIT_MS: {
    default: '2000',
    description:
      'on PostgreSQL an upload is loaded while its body arrives; its transaction may wait this long in all for bytes still on their way, and longer only while it waits less than 80 % of its time; past that the body is loaded once it is all in (a stalled or slow sender holds no database connection)',
    parse: int(0, 600000),
  },
  AIMASS_DATASET_PROFILE_SAMPLE_ROWS: {
    default: '30000',
    description:
      'a version of at most this many rows is profiled exactly; a larger one estimates distinct counts, quartiles, histogram and top-value counts from a sample of about this many rows (docs/performance.md)',
    parse: int(1000, 100000000),
  },
  AIMASS_DATASET_MAX_ROWS: {
    default: '100000000',
    description: 'most rows a dataset upload may have',
    parse: int(1, 10000000000),
  },
  AIMASS_DATASET_MAX_COLUMNS: {
    default: '1000',
    description: 'most columns a dataset upload may have',
    parse: int(1, 1500),
  },
  AIMASS_MODEL_MAX_BYTES: {
    default: '524288000',
    description: 'largest model version upload accepted (model.json + shards), in bytes (500 MiB); larger is refused with 413',
    parse: int(1, 1099511627776),
  },
  AIMASS_MODEL_CHECK_CONCURRENCY: {
    default: '1',
    description: 'model uploads checked with TF.js at once (each holds its weights in memory); others wait their turn',
    parse: int(1, 64),
  },
  AIMASS_MODEL_CHECK_QUEUE: {
    default: '32',
    description: 'model uploads that may wait for a TF.js check; beyond, an upload is refused with 429 RATE_LIMITED',
    parse: int(0, 10000),
  },
  AIMASS_QUOTA_DATASET_BYTES: {
    default: '0',
    description: 'dataset bytes each owner (user or organization) may store, counted as the bytes of every version uploaded (0: unlimited); beyond, 413 QUOTA_EXCEEDED',
    parse: int(0, 1125899906842624),
  },
  AIMASS_QUOTA_ARTIFACT_BYTES: {
    default: '0',
    description: "model file bytes each owner may store, counted once per distinct file their models' versions name (0: unlimited); beyond, 413 QUOTA_EXCEEDED",
    parse: int(0, 1125899906842624),
  },
  AIMASS_DEBUG_SQL_COUNT: {
    default: 'false',
    description: 'add extensions.sqlStatements (SQL statements the operation sent) to every GraphQL response over HTTP',
    parse: bool,
  },
  AIMASS_DEBUG_SQL_TEXT: {
    default: 'false',
    description: "add extensions.sql (each statement's text, parameters and prepared name, in order) to every GraphQL response over HTTP: a development and benchmark aid that shows every caller the hub's SQL, never for a hub others use",
    parse: bool,
  },
  AIMASS_WEBHOOK_MAX_ATTEMPTS: {
    default: '8',
    description: 'attempts per webhook delivery (network errors, timeouts, 5xx, 408 and 429 are retried) before it fails',
    parse: int(1, 50),
  },
  AIMASS_WEBHOOK_RETRY_BASE_MS: {
    default: '10000',
    description: 'delay before the first webhook retry, in ms; doubles with each failure (plus up to 10% jitter)',
    parse: int(1, 86400000),
  },
  AIMASS_WEBHOOK_RETRY_MAX_MS: { default: '3600000', description: 'longest delay between webhook retries, in ms', parse: int(1, 604800000) },
  AIMASS_WEBHOOK_TIMEOUT_MS: {
    default: '10000',
    description: 'how long one webhook request may take, connecting to reading the answer, in ms',
    parse: int(100, 300000),
  },
  AIMASS_WEBHOOK_ALLOW_PRIVATE: {
    default: 'false',
    description: 'let webhooks call loopback, private and link-local addresses (refused by default against SSRF)',
    parse: bool,
  },
  AIMASS_MODEL_SPEC_MAX_PARAMS: {
    default: '50000000',
    description: 'most parameters a model spec (model editor, saved architectures) may have; larger is refused before anything is allocated',
    parse: int(1, 2000000000),
  },
  AIMASS_SQL_TIMEOUT_MS: {
    default: '30000',
    description: 'longest a SQL query (runSql, POST /api/sql) may run before it is stopped (statement_timeout)',
    parse: int(100, 3600000),
  },
  AIMASS_SQL_MAX_ROWS: {
    default: '10000',
    description: 'most rows a SQL query may return (read in pages); a query returning more is refused',
    parse: int(1, 10000000),
  },
  AIMASS_SQL_MAX_COST: {
    default: '10000000',
    description: 'largest PostgreSQL planner cost estimate a SQL query may have; costlier queries are refused before they run (AIMASS_SQL_TIMEOUT_MS stops one that runs longer)',
    parse: int(1000, 1000000000000),
  },
  AIMASS_SQL_MAX_RESULT_BYTES: {
    default: '33554432',
    description: 'most bytes a SQL query may return (all its pages together), and most bytes its string and array aggregates may take in; larger is refused',
    parse: int(1024, 1073741824),
  },
  AIMASS_SQL_DATABASE_URL: {
    default: undefined,
    description: 'login for sandboxed SQL queries (a role you created, see docs/sql-sandbox.md); without it the hub creates role aimass_sql itself, which needs CREATEROLE',
    parse: postgresUrl,
  },
  AIMASS_TRAIN_CHECKPOINT_EPOCHS: {
    default: '5',
    description: 'a training job (CREATE MODEL) uploads a checkpoint every this many epochs, so another agent can resume it (0: never)',
    parse: int(0, 100000),
  },
  AIMASS_TRAIN_MAX_ROWS: {
    default: '1000000',
    description: 'most rows a CREATE MODEL query may return; the training agent holds them in memory',
    parse: int(1, 100000000),
  },
  AIMASS_TRAIN_CHUNK_ROWS: {
    default: '5000',
    description: 'rows a training agent reads from the hub per request',
    parse: int(1, 100000),
  },
  AIMASS_TRAIN_MAX_CLASSES: {
    default: '1000',
    description: 'most distinct label values a classifier may have (checked before the job starts)',
    parse: int(2, 100000),
  },
  AIMASS_TRAIN_MAX_TRIALS: {
    default: '100',
    description: 'most trials a tuning CREATE MODEL (num_trials) may ask for',
    parse: int(1, 1000),
  },
  AIMASS_TRAIN_MAX_VOCABULARY: {
    default: '1000',
    description: 'most values of a category or text feature the trainer one-hot encodes (the most frequent); the rest count as unseen',
    parse: int(1, 100000),
  },
  AIMASS_ML_WAIT_MS: {
    default: '60000',
    description: 'how long runSql waits for an ML.PREDICT / ML.EVALUATE job before answering its job id and status instead (read the rows later with sqlJobResult)',
    parse: int(0, 3600000),
  },
  AIMASS_PROMOTION_WAIT_MS: {
    default: '3600000',
    description: 'how long a comparison of a challenger with the production version waits for the scores of both (ML.EVALUATE jobs on agents, or a benchmark\'s verified evaluation) before it fails',
    parse: int(1000, 86400000),
  },
  AIMASS_ML_RESULT_HOURS: {
    default: '24',
    description: 'hours the hub keeps the result of a finished ML.PREDICT / ML.EVALUATE job (for paging and sqlJobResult) before housekeeping deletes it',
    parse: int(1, 87600),
  },
  AIMASS_INFERENCE_DEADLINE_MS: {
    default: '10000',
    description: 'deadline of an online prediction when the caller names none (a client header may lower it)',
    parse: int(1, 3600000),
  },
  AIMASS_INFERENCE_MAX_DEADLINE_MS: {
    default: '60000',
    description: 'longest deadline an online prediction may have; a later one is cut to it',
    parse: int(1, 3600000),
  },
  AIMASS_INFERENCE_REPLICA_MAX_OUTSTANDING: {
    default: '256',
    description: 'requests the router keeps outstanding on one replica (about its queue); when every replica is at it (or would make a request wait past its deadline), requests are refused 503 at once',
    parse: int(1, 100000),
  },
  AIMASS_INFERENCE_RETRY_BUDGET_PERCENT: {
    default: '20',
    description: 'retries allowed per deployment, as a percentage of its requests over the last 10 seconds (beside the floor below)',
    parse: int(0, 100),
  },
  AIMASS_INFERENCE_RETRY_MIN_PER_SECOND: {
    default: '3',
    description: 'retries per second a deployment may always make, so a deployment with little traffic can still retry',
    parse: int(0, 10000),
  },
  AIMASS_INFERENCE_EJECTION_FAILURES: {
    default: '5',
    description: 'consecutive failures that take a replica out of rotation (outlier ejection)',
    parse: int(1, 1000),
  },
  AIMASS_INFERENCE_EJECTION_LATENCY_FACTOR: {
    default: '3',
    description: 'a replica whose mean latency is this many times the median of its peers is taken out of rotation',
    parse: int(2, 1000),
  },
  AIMASS_INFERENCE_EJECTION_BASE_SECONDS: {
    default: '10',
    description: 'an ejected replica is out for this long times the number of times it was ejected',
    parse: int(1, 86400),
  },
  AIMASS_INFERENCE_EJECTION_MAX_SECONDS: {
    default: '300',
    description: 'longest an ejected replica stays out of rotation',
    parse: int(1, 86400),
  },
  AIMASS_ML_MAX_ROWS: {
    default: '1000000',
    description: 'most input rows an ML.PREDICT / ML.EVALUATE query may return; the hub keeps ML.PREDICT results in the database',
    parse: int(1, 100000000),
  },
  AIMASS_EVALUATION_QUORUM: {
    default: '2',
    description: 'runs of a benchmark evaluation, on nodes of different owners, whose predictions must agree before it is scored (a node with a clean record runs it alone, with spot checks); 1 turns replication off',
    parse: int(1, 5),
  },
  AIMASS_EVALUATION_TRUSTED_AFTER: {
    default: '10',
    description: 'clean results in a row (agreeing with the quorum or passing spot checks) after which a node runs benchmark evaluations alone, checked by the hub’s spot checks; 0: never alone',
    parse: int(0, 100000),
  },
  AIMASS_EVALUATION_SPOT_ROWS: {
    default: '16',
    description: 'hidden rows the hub predicts itself (TF.js in a worker thread) for each benchmark evaluation and compares with every run; 0 turns spot checks off',
    parse: int(0, 1000),
  },
  AIMASS_EVALUATION_TOLERANCE_PPM: {
    default: '1000',
    description: 'how far two predicted numbers may differ and still agree, in millionths of the larger magnitude (at least 1); a classifier’s predicted classes must be equal',
    parse: int(0, 1000000),
  },
  AIMASS_EVALUATION_MAX_RUNS: {
    default: '6',
    description: 'runs one round of a benchmark evaluation may take to reach a quorum before the submission fails',
    parse: int(1, 50),
  },
  AIMASS_BENCHMARK_CLOSE_CHECK_SECONDS: {
    default: '30',
    description: 'how often each hub looks for benchmarks whose deadline has passed and announces their final ranking (once, whichever hub finds it first)',
    parse: int(1, 3600),
  },
  AIMASS_ML_ONLINE_MAX_ROWS: {
    default: '100',
    description: 'most input rows an ML.PREDICT answers online through a READY deployment of the model version (one request against its quotas) instead of a predict job; 0 turns online answers off',
    parse: int(0, 1000),
  },
  AIMASS_SERVING_MAX_BODY_BYTES: {
    default: '8388608',
    description: 'largest request body the TF Serving (/v1/models) and KServe v2 (/v2) routes read; larger ones are answered 413',
    parse: int(1024, 1073741824),
  },
  AIMASS_SERVE_MAX_QUEUE: {
    default: '256',
    description: 'requests a deployment replica holds waiting for a batch at most; more are answered OVERLOADED at once (the serve job payload\'s maxQueue)',
    parse: int(1, 100000),
  },
  AIMASS_SERVE_RECONCILE_MS: {
    default: '5000',
    description: 'how often each hub checks every deployment against its replicas (alias moves, replicas placed, lost or failed); changes and replica events also check at once',
    parse: int(100, 600000),
  },
  AIMASS_SERVE_AUTOSCALE_TICK_MS: {
    default: '2000',
    description: "how often each hub writes its deployments' concurrency samples and the autoscaler decides the wanted replicas of each autoscaled deployment (one hub at a time per deployment)",
    parse: int(100, 60000),
  },
  AIMASS_ROLLOUT_TICK_MS: {
    default: '5000',
    description: "how often each hub analyses the deployments' progressive rollouts and moves those due (a step, a promotion or a rollback; one hub at a time per rollout)",
    parse: int(100, 600000),
  },
  AIMASS_BUDGET_TICK_MS: {
    default: '10000',
    description: "how often each hub meters replica-hours and judges deployment budgets (the 80 % warning, the action at 100 %, a new month); usage itself is exact whatever the tick",
    parse: int(100, 600000),
  },
  AIMASS_SERVE_PLANNER_MINUTES: {
    default: '5',
    description: "how often the predictive planner forecasts each autoscaled deployment's request rate and sets the floor the autoscaler keeps (one hub per run; docs/autoscaling.md)",
    parse: int(1, 60),
  },
  AIMASS_SERVE_PLANNER_SLOT_MINUTES: {
    default: '15',
    description: "the planner's forecast slot in minutes: the request history is read and forecast in slots this long (must divide a day)",
    parse: dayDivisorMinutes,
  },
  AIMASS_SERVE_PLANNER_HISTORY_DAYS: {
    default: '28',
    description: "days of a deployment's request history the planner reads (weekday factors need 7; more weeks average them)",
    parse: int(1, 365),
  },
  AIMASS_SERVE_PLANNER_MIN_HISTORY_DAYS: {
    default: '3',
    description: 'whole days of request history a deployment needs before the planner forecasts it; with fewer it is scaled reactively only',
    parse: int(1, 60),
  },
  AIMASS_SERVE_PLANNER_START_SECONDS: {
    default: '120',
    description: "replica start time the planner assumes for a deployment none of whose replicas has started yet (otherwise it measures it: the median of the last 20 replicas' placement to ready)",
    parse: int(1, 3600),
  },
  AIMASS_SERVE_REPLICAS_PER_NODE: {
    default: '16',
    description: 'replicas each online node counts for in capacity sharing: when every deployment together wants more than this × the online nodes, replicas are shared by the rule of docs/autoscaling.md; 0 turns capacity sharing off',
    parse: int(0, 10000),
  },
  AIMASS_SERVE_SPREAD_WAIT_SECONDS: {
    default: '30',
    description: 'how long a replica waits for a node that holds no replica of its deployment before it may join one on a node that already does (so a one-node hub still serves every replica)',
    parse: int(0, 86400),
  },
  AIMASS_METRICS_TIERS: {
    default: '10s:1d,1m:30d,1h:365d',
    description: 'deployment metrics tiers, finest first, as resolution:retention (units s, m, h, d): each resolution a multiple of the one before; the finest is what hubs write, each coarser one is rolled up from the one before and points older than their retention are deleted',
    parse: metricTiers,
  },
  AIMASS_METRICS_ROLLUP_SECONDS: {
    default: '60',
    description: 'how often a hub tries the metrics rollup and retention (one hub does each rollup step, whichever claims it)',
    parse: int(1, 3600),
  },
  AIMASS_METRICS_MAX_DEPLOYMENT_LABELS: {
    default: '100',
    description: 'distinct deployment and version pairs one hub labels on /metrics (aimass_deployment_*); further ones are counted under deployment="other", version="other"',
    parse: int(0, 100000),
  },
  AIMASS_ALERTS_EVALUATE_SECONDS: {
    default: '10',
    description: "how often a hub tries to judge the deployments' alert rules over their latest complete window (one hub at a time does it)",
    parse: int(1, 3600),
  },
  AIMASS_ALERTS_THROTTLE_SECONDS: {
    default: '900',
    description: 'how long an API key an alert throttled (the THROTTLE_KEY action) stays held to the baseline rate on that deployment',
    parse: int(10, 86400),
  },
  AIMASS_RETRAIN_TICK_MS: {
    default: '15000',
    description: 'how often a hub looks for retraining triggers that are due (a cron time come, a dataset version newer than a model trained on) and moves retraining runs on',
    parse: int(50, 3_600_000),
  },
  AIMASS_RETRAIN_CLOCK_FILE: {
    default: undefined,
    description: 'a file holding an ISO 8601 instant that retraining schedules are read against instead of the system clock (for tests and drills: write a later instant to move time on); unset: the system clock',
    parse: (raw) => path.resolve(raw),
  },
  AIMASS_WEB_DIR: {
    default: './dist/web',
    description: 'built portal served at / (npm run build makes it)',
    parse: (raw) => path.resolve(raw),
  },
} satisfies Record<string, Variable<unknown>>;

export type VariableName = keyof typeof VARIABLES;
