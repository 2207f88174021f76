/** GraphQL documents for compute: nodes (mine and the network) and jobs. */
const NODE_FIELDS = `id name status backend gpuName gpuMemoryBytes cpuCores memoryBytes slots labels agentVersion connected
  load lastHeartbeatAt connectedAt gflops stepsPerSecond benchmarkedAt runningJobs owner { username } quarantineReason createdAt
  operatorRun measuredSpeed speedSamples provenSlots speedFlag giveBacks throttledUntil`;
const PAGE_INFO = 'pageInfo { endCursor hasNextPage }';

export const MY_NODES = `query MyNodes($first: Int, $after: String) {
  myNodes(first: $first, after: $after) { totalCount ${PAGE_INFO} edges { node { ${NODE_FIELDS} } } }
}`;

export const NETWORK = `query Network($first: Int, $after: String, $status: NodeStatus) {
  network(first: $first, after: $after, status: $status) { totalCount ${PAGE_INFO} edges { node { ${NODE_FIELDS} } } }
}`;

export const NODE_CHANGED = `subscription NodeChanged($mine: Boolean) { nodeChanged(mine: $mine) { ${NODE_FIELDS} } }`;

export const DRAIN_NODE = `mutation DrainNode($id: ID!) { drainNode(id: $id) { ${NODE_FIELDS} } }`;
export const DISABLE_NODE = `mutation DisableNode($id: ID!) { disableNode(id: $id) { ${NODE_FIELDS} } }`;
export const ENABLE_NODE = `mutation EnableNode($id: ID!) { enableNode(id: $id) { ${NODE_FIELDS} } }`;
export const DELETE_NODE = `mutation DeleteNode($id: ID!) { deleteNode(id: $id) }`;

const JOB_FIELDS = `id kind status priority payload result error progress progressMessage metrics attempts failures maxAttempts
  requirements createdAt updatedAt startedAt finishedAt leaseExpiresAt node { id name } owner { username } placement waitingReason`;
const JOB_DETAIL_FIELDS = `${JOB_FIELDS} history { attempt nodeId nodeName startedAt endedAt outcome reason }`;

export const JOBS = `query Jobs($first: Int, $after: String, $filter: JobFilter) {
  jobs(first: $first, after: $after, filter: $filter) { totalCount ${PAGE_INFO} edges { node { ${JOB_FIELDS} } } }
}`;

export const JOB = `query Job($id: ID!) { job(id: $id) { ${JOB_DETAIL_FIELDS} } }`;

/** For the jobs list: what a row shows. */
export const JOB_UPDATED = `subscription JobUpdated($id: ID!) { jobUpdated(id: $id) { ${JOB_FIELDS} } }`;

/** For a job's own page: everything, with the attempt history. */
export const JOB_DETAIL_UPDATED = `subscription JobDetailUpdated($id: ID!) { jobUpdated(id: $id) { ${JOB_DETAIL_FIELDS} } }`;

export const SUBMIT_JOB = `mutation SubmitJob($input: SubmitJobInput!) { submitJob(input: $input) { id } }`;

export const CANCEL_JOB = `mutation CancelJob($id: ID!) { cancelJob(id: $id) { ${JOB_DETAIL_FIELDS} } }`;

const TRUST_FIELDS = `ownerHandle ownerKind nodes { id name status owner { username } } providers { username }
  operatorRunNodes { id name status owner { username } }`;

export const TRUST_LIST = `query TrustList { trustList { ${TRUST_FIELDS} } }`;
export const TRUST_NODE = `mutation TrustNode($nodeId: ID!) { trustNode(nodeId: $nodeId) { ${TRUST_FIELDS} } }`;
export const UNTRUST_NODE = `mutation UntrustNode($nodeId: ID!) { untrustNode(nodeId: $nodeId) { ${TRUST_FIELDS} } }`;
export const TRUST_PROVIDER = `mutation TrustProvider($username: String!) { trustProvider(username: $username) { ${TRUST_FIELDS} } }`;
export const UNTRUST_PROVIDER = `mutation UntrustProvider($username: String!) { untrustProvider(username: $username) { ${TRUST_FIELDS} } }`;
