/**
 * GraphQL documents for deployments: the list, one deployment in full (kept live by
 * `deploymentChanged`, its stats re-read on a timer), creating and deleting one, usage by key, and
 * `predict` for the Try it panel.
 */
import { document } from '../api/document';
import type {
  CreateDeploymentMutation,
  CreateDeploymentMutationVariables,
  DeleteDeploymentMutation,
  DeleteDeploymentMutationVariables,
  DeploymentChangedSubscription,
  DeploymentChangedSubscriptionVariables,
  DeploymentQuery,
  DeploymentQueryVariables,
  DeploymentStatsQuery,
  DeploymentStatsQueryVariables,
  DeploymentUsageQuery,
  DeploymentUsageQueryVariables,
  DeploymentsQuery,
  DeploymentsQueryVariables,
  PredictMutation,
  PredictMutationVariables,
  TryDeploymentsQuery,
  TryDeploymentsQueryVariables,
} from '../api/generated';

const DEPLOYMENT_FIELDS = /* GraphQL */ `fragment DeploymentFields on Deployment {
  id owner name modelName model { owner name } versionNumber alias minReplicas maxReplicas visibility status statusMessage task labels labelName
  requirements { gpu minMemoryBytes labels } batching { maxBatchSize maxQueueDelayMs } limits { requestsPerSecond dailyRequests }
  autoscaling { targetConcurrency stableWindowSeconds panicWindowSeconds scaleDownDelaySeconds scaleToZeroAfterSeconds predictive }
  autoscaler { wantedReplicas observedConcurrency panicking lastScaledAt reason }
  budget { limitReplicaHours usedReplicaHours month action held warnedAt exceededAt }
  planner { forecasting floor active expectedRequestsPerSecond replicaStartSeconds replicaStartMeasured historyDays minHistoryDays heldOutMape reason }
  waitingReason viewerCanChange
  replicas { id state versionNumber nodeId nodeName inFlight queued latencyMs readyAt }
  features { name type categories }
  endpoints { tfServing kserve }
  stats { requestsPerSecond p50Ms p99Ms errorRate batchSizes { size count } }
  variants { versionNumber alias weight shadow replicas } stickiness
  rollout {
    id status stableVersion canaryVersion currentStep canaryWeight stepStartedAt reason startedAt endedAt
    steps { weight durationSeconds pause }
    analysis { windowSeconds minRequests maxErrorRateIncrease maxP99Ratio p99SlackMs }
    lastAnalysis { verdict reasons from to stable { versionNumber requests errors errorRate p99Ms } canary { versionNumber requests errors errorRate p99Ms } }
  }
  createdAt updatedAt
}`;

/** What the Try it panel needs of a deployment (the model page and the Lab read only this). */
const TRY_FIELDS = /* GraphQL */ `fragment TryDeploymentFields on Deployment {
  id owner name modelName model { owner name } versionNumber status task labelName features { name type categories } endpoints { tfServing kserve }
}`;

/** The Deployments page: a list read page by page, naming its fields (see docs/portal-types.md). */
export const DEPLOYMENTS = document<DeploymentsQuery, DeploymentsQueryVariables>(
  /* GraphQL */ `query Deployments($first: Int, $after: String, $owner: String, $model: String) {
  deployments(first: $first, after: $after, owner: $owner, model: $model) {
    totalCount pageInfo { endCursor hasNextPage }
    edges { node {
      id owner name model { owner name } versionNumber alias status statusMessage minReplicas maxReplicas updatedAt
      replicas { id state }
      stats { requestsPerSecond p50Ms p99Ms errorRate }
    } }
  }
}`,
);

export const DEPLOYMENT = document<DeploymentQuery, DeploymentQueryVariables>(
  /* GraphQL */ `query Deployment($owner: String!, $name: String!) {
  deployment(owner: $owner, name: $name) { ...DeploymentFields }
} ${DEPLOYMENT_FIELDS}`,
);

/** Re-read every few seconds for the charts: the hub announces no change when only traffic moves. */
export const DEPLOYMENT_STATS = document<DeploymentStatsQuery, DeploymentStatsQueryVariables>(
  /* GraphQL */ `query DeploymentStats($owner: String!, $name: String!) {
  deployment(owner: $owner, name: $name) {
    id stats { requestsPerSecond p50Ms p99Ms errorRate batchSizes { size count } }
    replicas { id state versionNumber nodeId nodeName inFlight queued latencyMs readyAt }
  }
}`,
);

export const DEPLOYMENT_CHANGED = document<DeploymentChangedSubscription, DeploymentChangedSubscriptionVariables>(
  /* GraphQL */ `subscription DeploymentChanged($owner: String!, $name: String!) {
  deploymentChanged(owner: $owner, name: $name) { ...DeploymentFields }
} ${DEPLOYMENT_FIELDS}`,
);

export const CREATE_DEPLOYMENT = document<CreateDeploymentMutation, CreateDeploymentMutationVariables>(
  /* GraphQL */ `mutation CreateDeployment($input: CreateDeploymentInput!) {
  createDeployment(input: $input) { id owner name status }
}`,
);

export const DELETE_DEPLOYMENT = document<DeleteDeploymentMutation, DeleteDeploymentMutationVariables>(
  /* GraphQL */ `mutation DeleteDeployment($owner: String!, $name: String!) { deleteDeployment(owner: $owner, name: $name) }`,
);

/** Requests, rows and errors by API key (a session's calls have no key) over a time range. */
export const DEPLOYMENT_USAGE = document<DeploymentUsageQuery, DeploymentUsageQueryVariables>(
  /* GraphQL */ `query DeploymentUsage($deployment: String!, $from: DateTimeISO!, $to: DateTimeISO!, $granularity: UsageGranularity) {
  usage(deployment: $deployment, from: $from, to: $to, granularity: $granularity) {
    start apiKeyId apiKeyName requests rows errors computeMs
  }
}`,
);

/** Deployments one can try: of a model (`model: "owner/name"`) on its page, or all one sees in the Lab. */
export const TRY_DEPLOYMENTS = document<TryDeploymentsQuery, TryDeploymentsQueryVariables>(
  /* GraphQL */ `query TryDeployments($model: String, $first: Int) {
  deployments(model: $model, first: $first) { totalCount edges { node { ...TryDeploymentFields } } }
} ${TRY_FIELDS}`,
);

export const PREDICT = document<PredictMutation, PredictMutationVariables>(
  /* GraphQL */ `mutation Predict($deployment: String!, $instances: [JSON!]!) {
  predict(deployment: $deployment, instances: $instances) {
    model versionNumber replica nodeName latencyMs
    predictions { label value outputs probabilities { label probability } }
  }
}`,
);
