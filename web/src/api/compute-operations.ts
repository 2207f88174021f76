/** GraphQL documents for compute: nodes (mine and the network) and jobs. */
import { document } from './document';
import type {
  CancelJobMutation,
  CancelJobMutationVariables,
  DeleteNodeMutation,
  DeleteNodeMutationVariables,
  DisableNodeMutation,
  DisableNodeMutationVariables,
  DrainNodeMutation,
  DrainNodeMutationVariables,
  EnableNodeMutation,
  EnableNodeMutationVariables,
  JobDetailUpdatedSubscription,
  JobDetailUpdatedSubscriptionVariables,
  JobQuery,
  JobQueryVariables,
  JobUpdatedSubscription,
  JobUpdatedSubscriptionVariables,
  JobsQuery,
  JobsQueryVariables,
  MyNodesQuery,
  MyNodesQueryVariables,
  NetworkQuery,
  NetworkQueryVariables,
  NodeChangedSubscription,
  NodeChangedSubscriptionVariables,
  SubmitJobMutation,
  SubmitJobMutationVariables,
  TrustListQuery,
  TrustListQueryVariables,
  TrustNodeMutation,
  TrustNodeMutationVariables,
  TrustProviderMutation,
  TrustProviderMutationVariables,
  UntrustNodeMutation,
  UntrustNodeMutationVariables,
  UntrustProviderMutation,
  UntrustProviderMutationVariables,
} from './generated';

const NODE_FIELDS = /* GraphQL */ `fragment ComputeNodeFields on Node {
  id name status backend gpuName gpuMemoryBytes cpuCores memoryBytes slots labels agentVersion connected
  load lastHeartbeatAt connectedAt gflops stepsPerSecond benchmarkedAt runningJobs owner { username } quarantineReason createdAt
  operatorRun measuredSpeed speedSamples provenSlots speedFlag giveBacks throttledUntil
}`;

export const MY_NODES = document<MyNodesQuery, MyNodesQueryVariables>(
  /* GraphQL */ `query MyNodes($first: Int, $after: String) {
  myNodes(first: $first, after: $after) { totalCount pageInfo { endCursor hasNextPage } edges { node { ...ComputeNodeFields } } }
} ${NODE_FIELDS}`,
);

export const NETWORK = document<NetworkQuery, NetworkQueryVariables>(
  /* GraphQL */ `query Network($first: Int, $after: String, $status: NodeStatus) {
  network(first: $first, after: $after, status: $status) {
    totalCount pageInfo { endCursor hasNextPage } edges { node { ...ComputeNodeFields } }
  }
} ${NODE_FIELDS}`,
);

export const NODE_CHANGED = document<NodeChangedSubscription, NodeChangedSubscriptionVariables>(
  /* GraphQL */ `subscription NodeChanged($mine: Boolean) { nodeChanged(mine: $mine) { ...ComputeNodeFields } } ${NODE_FIELDS}`,
);

export const DRAIN_NODE = document<DrainNodeMutation, DrainNodeMutationVariables>(
  /* GraphQL */ `mutation DrainNode($id: ID!) { drainNode(id: $id) { ...ComputeNodeFields } } ${NODE_FIELDS}`,
);
export const DISABLE_NODE = document<DisableNodeMutation, DisableNodeMutationVariables>(
  /* GraphQL */ `mutation DisableNode($id: ID!) { disableNode(id: $id) { ...ComputeNodeFields } } ${NODE_FIELDS}`,
);
export const ENABLE_NODE = document<EnableNodeMutation, EnableNodeMutationVariables>(
  /* GraphQL */ `mutation EnableNode($id: ID!) { enableNode(id: $id) { ...ComputeNodeFields } } ${NODE_FIELDS}`,
);
export const DELETE_NODE = document<DeleteNodeMutation, DeleteNodeMutationVariables>(
  /* GraphQL */ `mutation DeleteNode($id: ID!) { deleteNode(id: $id) }`,
);

const JOB_FIELDS = /* GraphQL */ `fragment JobFields on Job {
  id kind status priority payload result error progress progressMessage metrics attempts failures maxAttempts
  requirements createdAt updatedAt startedAt finishedAt leaseExpiresAt node { id name } owner { username } placement waitingReason
}`;
const JOB_DETAIL_FIELDS = /* GraphQL */ `fragment JobDetailFields on Job {
  ...JobFields history { attempt nodeId nodeName startedAt endedAt outcome reason }
} ${JOB_FIELDS}`;

export const JOBS = document<JobsQuery, JobsQueryVariables>(
  /* GraphQL */ `query Jobs($first: Int, $after: String, $filter: JobFilter) {
  jobs(first: $first, after: $after, filter: $filter) { totalCount pageInfo { endCursor hasNextPage } edges { node { ...JobFields } } }
} ${JOB_FIELDS}`,
);

export const JOB = document<JobQuery, JobQueryVariables>(
  /* GraphQL */ `query Job($id: ID!) { job(id: $id) { ...JobDetailFields } } ${JOB_DETAIL_FIELDS}`,
);

/** For the jobs list: what a row shows. */
export const JOB_UPDATED = document<JobUpdatedSubscription, JobUpdatedSubscriptionVariables>(
  /* GraphQL */ `subscription JobUpdated($id: ID!) { jobUpdated(id: $id) { ...JobFields } } ${JOB_FIELDS}`,
);

/** For a job's own page: everything, with the attempt history. */
export const JOB_DETAIL_UPDATED = document<JobDetailUpdatedSubscription, JobDetailUpdatedSubscriptionVariables>(
  /* GraphQL */ `subscription JobDetailUpdated($id: ID!) {
  jobUpdated(id: $id) { ...JobDetailFields }
} ${JOB_DETAIL_FIELDS}`,
);

export const SUBMIT_JOB = document<SubmitJobMutation, SubmitJobMutationVariables>(
  /* GraphQL */ `mutation SubmitJob($input: SubmitJobInput!) { submitJob(input: $input) { id } }`,
);

export const CANCEL_JOB = document<CancelJobMutation, CancelJobMutationVariables>(
  /* GraphQL */ `mutation CancelJob($id: ID!) { cancelJob(id: $id) { ...JobDetailFields } } ${JOB_DETAIL_FIELDS}`,
);

const TRUST_FIELDS = /* GraphQL */ `fragment TrustListFields on TrustList {
  ownerHandle ownerKind nodes { ...TrustNodeFields } providers { username } operatorRunNodes { ...TrustNodeFields }
}
fragment TrustNodeFields on Node { id name status owner { username } }`;

export const TRUST_LIST = document<TrustListQuery, TrustListQueryVariables>(
  /* GraphQL */ `query TrustList { trustList { ...TrustListFields } } ${TRUST_FIELDS}`,
);
export const TRUST_NODE = document<TrustNodeMutation, TrustNodeMutationVariables>(
  /* GraphQL */ `mutation TrustNode($nodeId: ID!) { trustNode(nodeId: $nodeId) { ...TrustListFields } } ${TRUST_FIELDS}`,
);
export const UNTRUST_NODE = document<UntrustNodeMutation, UntrustNodeMutationVariables>(
  /* GraphQL */ `mutation UntrustNode($nodeId: ID!) { untrustNode(nodeId: $nodeId) { ...TrustListFields } } ${TRUST_FIELDS}`,
);
export const TRUST_PROVIDER = document<TrustProviderMutation, TrustProviderMutationVariables>(
  /* GraphQL */ `mutation TrustProvider($username: String!) {
  trustProvider(username: $username) { ...TrustListFields }
} ${TRUST_FIELDS}`,
);
export const UNTRUST_PROVIDER = document<UntrustProviderMutation, UntrustProviderMutationVariables>(
  /* GraphQL */ `mutation UntrustProvider($username: String!) {
  untrustProvider(username: $username) { ...TrustListFields }
} ${TRUST_FIELDS}`,
);
