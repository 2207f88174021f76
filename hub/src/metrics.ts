/**
 * Prometheus metrics (prom-client), served at /metrics. One registry per hub instance so tests
 * can run several hubs in one process.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    httpRequests: new Counter({
      name: 'aimass_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'aimass_http_request_duration_seconds',
      help: 'HTTP request latency by method and route',
      labelNames: ['method', 'route'] as const,
      buckets: seconds,
      registers: [registry],
    }),
    graphqlOperations: new Counter({
      name: 'aimass_graphql_operations_total',
      help: 'GraphQL operations by name, type and outcome (ok or the first error code)',
      labelNames: ['operation', 'type', 'outcome'] as const,
      registers: [registry],
    }),
    graphqlDuration: new Histogram({
      name: 'aimass_graphql_operation_duration_seconds',
      help: 'GraphQL operation latency by name and type',
      labelNames: ['operation', 'type'] as const,
      buckets: seconds,
      registers: [registry],
    }),
    graphqlSqlStatements: new Histogram({
      name: 'aimass_graphql_sql_statements',
      help: 'SQL statements sent per GraphQL operation over HTTP (authentication included), by name and type',
      labelNames: ['operation', 'type'] as const,
      buckets: [1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100],
      registers: [registry],
    }),
    agentsConnected: new Gauge({
      name: 'aimass_agents_connected',
      help: 'Agents connected to this hub',
      registers: [registry],
    }),
    liveSubscriptions: new Gauge({
      name: 'aimass_live_subscriptions',
      help: 'Listeners on this hub\'s event bus, by topic: each GraphQL subscription from the moment it listens, and the hub\'s own (a tuning follows its trials\' jobs)',
      labelNames: ['topic'] as const,
      registers: [registry],
    }),
    liveSubscriptionsStarted: new Counter({
      name: 'aimass_live_subscriptions_started_total',
      help: 'Listeners added to this hub\'s event bus, by topic (aimass_live_subscriptions counts those still listening)',
      labelNames: ['topic'] as const,
      registers: [registry],
    }),
    trainingRowsPrefetched: new Counter({
      name: 'aimass_training_rows_prefetched_total',
      help: 'Chunks of training rows read while their job was dispatched, by outcome: used (the agent was answered with it), expired, failed',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    uploads: new Counter({
      name: 'aimass_uploads_total',
      help: 'Dataset and model version uploads by kind and outcome (created, or the error code), counted once the upload is over: its transaction ended and its temporary files removed',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    datasetUploadsReadAgain: new Counter({
      name: 'aimass_dataset_uploads_read_again_total',
      help: 'Dataset uploads whose loading, begun while the body arrived, started again once it was all in, by reason: waited (the sender was slow), encoding (not UTF-8 past what was read)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    jobsDispatched: new Counter({
      name: 'aimass_jobs_dispatched_total',
      help: 'Jobs handed to agents, by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    jobsFinished: new Counter({
      name: 'aimass_jobs_finished_total',
      help: 'Job attempts ended by agents, by kind and resulting job status (queued means retried)',
      labelNames: ['kind', 'status'] as const,
      registers: [registry],
    }),
    agentFramesRejected: new Counter({
      name: 'aimass_agent_frames_rejected_total',
      help: 'Agent frames refused, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    inferenceDuration: new Histogram({
      name: 'aimass_inference_duration_seconds',
      help: 'Online predictions routed by this hub, from taking the call to its answer, by deployment and outcome (ok or the error code)',
      labelNames: ['deployment', 'outcome'] as const,
      buckets: [0.001, 0.0025, ...seconds],
      registers: [registry],
    }),
    inferenceBatchSize: new Histogram({
      name: 'aimass_inference_batch_size',
      help: 'Rows in the agent predict call that answered each routed request, by deployment',
      labelNames: ['deployment'] as const,
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
      registers: [registry],
    }),
    inferenceRetries: new Counter({
      name: 'aimass_inference_retries_total',
      help: 'Requests sent again to another replica after the first failed before answering, by deployment and whether the retry budget allowed it (retried or denied)',
      labelNames: ['deployment', 'result'] as const,
      registers: [registry],
    }),
    inferenceEjections: new Counter({
      name: 'aimass_inference_ejections_total',
      help: 'Replicas taken out of rotation by outlier detection, by deployment and reason (failures or latency)',
      labelNames: ['deployment', 'reason'] as const,
      registers: [registry],
    }),
    inferenceShed: new Counter({
      name: 'aimass_inference_shed_total',
      help: 'Requests refused at once with UNAVAILABLE, by deployment and reason (no_replica or full)',
      labelNames: ['deployment', 'reason'] as const,
      registers: [registry],
    }),
    deploymentRequests: new Counter({
      name: 'aimass_deployment_requests_total',
      help: 'Metered online predictions by deployment (owner/name), model version that answered and status (ok or the error code); past the label bound, deployment="other"',
      labelNames: ['deployment', 'version', 'status'] as const,
      registers: [registry],
    }),
    deploymentLatency: new Histogram({
      name: 'aimass_deployment_request_duration_seconds',
      help: 'Hub-measured latency of metered online predictions by deployment (owner/name) and model version; past the label bound, deployment="other"',
      labelNames: ['deployment', 'version'] as const,
      buckets: [0.001, 0.0025, ...seconds],
      registers: [registry],
    }),
    inferenceOutstanding: new Gauge({
      name: 'aimass_inference_outstanding',
      help: 'Requests this hub has sent to replicas and waits for',
      registers: [registry],
    }),
    benchmarkCloseChecks: new Counter({
      name: 'aimass_benchmark_close_checks_total',
      help: 'Looks this hub took for benchmarks whose deadline passed and whose final ranking was not announced',
      registers: [registry],
    }),
    finalRankingsAnnounced: new Counter({
      name: 'aimass_benchmark_final_rankings_announced_total',
      help: 'Final rankings of closed benchmarks this hub announced (each benchmark once across all hubs)',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const seen = new Set<string>();
/**
 * Operation names come from clients, so they are bounded before becoming a label: a valid name
 * is kept (up to 500 distinct ones per process), anything else is "anonymous" or "other".
 */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'other';
  if (seen.has(name)) return name;
  if (seen.size >= 500) return 'other';
  seen.add(name);
  return name;
}
