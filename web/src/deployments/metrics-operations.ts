/**
 * GraphQL documents for a deployment's stored metrics: a range read at a step (`Deployment.metrics`),
 * the live 10 s points (`deploymentMetricsAdded`), and the planner's forecast beside them
 * (`Deployment.forecast`).
 */
import { document } from '../api/document';
import type {
  DeploymentForecastQuery,
  DeploymentForecastQueryVariables,
  DeploymentMetricsAddedSubscription,
  DeploymentMetricsAddedSubscriptionVariables,
  DeploymentMetricsQuery,
  DeploymentMetricsQueryVariables,
} from '../api/generated';

const METRICS_POINT_FIELDS = /* GraphQL */ `fragment MetricsPointFields on MetricsPoint {
  start requests requestsPerSecond errors errorRate errorsByStatus { status count } p50Ms p95Ms p99Ms
  queueLength replicasReady replicasWanted cpuLoad memoryBytes
}`;

export const DEPLOYMENT_METRICS = document<DeploymentMetricsQuery, DeploymentMetricsQueryVariables>(
  /* GraphQL */ `query DeploymentMetrics($owner: String!, $name: String!, $from: DateTimeISO!, $to: DateTimeISO!, $step: Int) {
  deployment(owner: $owner, name: $name) {
    id metrics(from: $from, to: $to, step: $step) { step resolution points { ...MetricsPointFields } }
  }
} ${METRICS_POINT_FIELDS}`,
);

export const DEPLOYMENT_METRICS_ADDED = document<DeploymentMetricsAddedSubscription, DeploymentMetricsAddedSubscriptionVariables>(
  /* GraphQL */ `subscription DeploymentMetricsAdded($owner: String!, $name: String!) {
  deploymentMetricsAdded(owner: $owner, name: $name) { ...MetricsPointFields }
} ${METRICS_POINT_FIELDS}`,
);

export const DEPLOYMENT_FORECAST = document<DeploymentForecastQuery, DeploymentForecastQueryVariables>(
  /* GraphQL */ `query DeploymentForecast($owner: String!, $name: String!, $from: DateTimeISO!, $to: DateTimeISO!) {
  deployment(owner: $owner, name: $name) {
    id forecast(from: $from, to: $to) { slotSeconds mape scoredSlots points { start requestsPerSecond lower upper actualRequestsPerSecond } }
  }
}`,
);
