/**
 * TypeScript shapes of the parts of schema/schema.graphql the portal selects. Dates arrive as
 * ISO strings (DateTimeISO).
 */

/** The Scope enum, in the order the portal offers them. */
export const SCOPES = ['MODELS_READ', 'MODELS_WRITE', 'DATASETS_READ', 'DATASETS_WRITE', 'JOBS_READ', 'JOBS_WRITE', 'NODES_READ', 'NODES_MANAGE', 'NOTIFICATIONS', 'INFERENCE'] as const;
export type Scope = (typeof SCOPES)[number];

export type AccountEventKind =
  | 'API_KEY_CREATED'
  | 'API_KEY_REVOKED'
  | 'NODE_REGISTERED'
  | 'NODE_TOKEN_REVOKED'
  | 'NODE_CONNECTED'
  | 'NODE_DISCONNECTED'
  | 'MEMBERSHIP_CHANGED';

/** The OrgRole enum, strongest first. */
export const ORG_ROLES = ['OWNER', 'ADMIN', 'MEMBER'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export interface User {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  isAdmin: boolean;
}

export interface AuthPayload {
  token: string;
  expiresAt: string;
  user: User;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export interface NodeToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastConnectedAt: string | null;
  connected: boolean;
}

export interface Organization {
  id: string;
  handle: string;
  displayName: string;
  description: string;
  createdAt: string;
  viewerRole: OrgRole | null;
}

export interface Membership {
  role: OrgRole;
  createdAt: string;
  user: { id: string; username: string; displayName: string };
}

export interface AccountEvent {
  kind: AccountEventKind;
  message: string;
  subjectId: string;
  at: string;
}

export interface Connection<T> {
  totalCount: number;
  edges: { node: T }[];
}

/** A connection selected with its pageInfo, for "Load more". */
export interface PagedConnection<T> extends Connection<T> {
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** The NodeStatus enum, in the order the portal offers them as filters. */
export const NODE_STATUSES = ['ONLINE', 'DRAINING', 'OFFLINE', 'DISABLED', 'QUARANTINED'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

/** A compute node as the registry reports it (named so as not to shadow the DOM's Node). */
export interface ComputeNode {
  id: string;
  name: string;
  status: NodeStatus;
  /** TF.js backend: tensorflow-gpu, tensorflow, wasm or cpu */
  backend: string | null;
  gpuName: string | null;
  gpuMemoryBytes: number | null;
  cpuCores: number | null;
  memoryBytes: number | null;
  slots: number;
  labels: string[];
  agentVersion: string | null;
  connected: boolean;
  /** Load average per core */
  load: number | null;
  lastHeartbeatAt: string | null;
  connectedAt: string | null;
  gflops: number | null;
  stepsPerSecond: number | null;
  benchmarkedAt: string | null;
  runningJobs: number;
  owner: { username: string } | null;
  quarantineReason: string | null;
  createdAt: string;
  /** Run by the hub's operator: trusted by every user */
  operatorRun: boolean;
  /** What the hub measured: 1 = a typical CPU node; null until it ran a job */
  measuredSpeed: number | null;
  speedSamples: number;
  /** Concurrent jobs the hub gives it (what it proved, at most its slots) */
  provenSlots: number;
  /** Set (for admins and the owner) when its claims disagree with what was measured */
  speedFlag: string | null;
  giveBacks: number | null;
  throttledUntil: string | null;
}

/** A node as the trust list shows it. */
export interface TrustNode {
  id: string;
  name: string;
  status: NodeStatus;
  owner: { username: string } | null;
}

/** Whom the user trusts with jobs that read their non-public data. */
export interface TrustList {
  ownerHandle: string;
  ownerKind: string;
  nodes: TrustNode[];
  providers: { username: string }[];
  operatorRunNodes: TrustNode[];
}

/** The JobStatus enum, in lifecycle order. */
export const JOB_STATUSES = ['QUEUED', 'LEASED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobAttempt {
  attempt: number;
  nodeId: string | null;
  nodeName: string | null;
  startedAt: string;
  endedAt: string | null;
  /** running, succeeded, failed, lost, released or canceled */
  outcome: string;
  reason: string | null;
}

export interface Job {
  id: string;
  kind: string;
  status: JobStatus;
  priority: number;
  payload: unknown;
  result: unknown;
  error: string | null;
  /** 0 to 1 */
  progress: number;
  progressMessage: string | null;
  metrics: unknown;
  attempts: number;
  failures: number;
  maxAttempts: number;
  requirements: unknown;
  createdAt: string;
  /** Changes with every status or progress change: tells which of two copies is newer. */
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  leaseExpiresAt: string | null;
  node: { id: string; name: string } | null;
  owner: { username: string } | null;
  /** Where it may run: "your trusted nodes (2 online)" or "any node (…)" */
  placement: string;
  /** Set while it waits because no node it may run on is online */
  waitingReason: string | null;
}

/** A job with its attempt history, as its own page shows it. */
export interface JobDetail extends Job {
  history: JobAttempt[];
}

/** The Visibility enum (models, datasets, architectures), in the order the portal offers it. */
export const VISIBILITIES = ['PUBLIC', 'UNLISTED', 'PRIVATE'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export type DatasetColumnType = 'INTEGER' | 'FLOAT' | 'BOOLEAN' | 'DATE' | 'TIMESTAMP' | 'CATEGORICAL' | 'TEXT';

export interface Dataset {
  id: string;
  /** Handle of the user or organization that owns it */
  owner: string;
  name: string;
  /** Markdown */
  description: string;
  license: string;
  tags: string[];
  visibility: Visibility;
  createdAt: string;
  updatedAt: string;
}

/** A dataset as the list shows it: its versions' numbers and sizes, newest first. */
export interface DatasetListItem extends Dataset {
  versions: { number: number; rowCount: number }[];
}

export interface DatasetVersionSummary {
  id: string;
  number: number;
  rowCount: number;
  status: string;
  createdAt: string;
  createdBy: { username: string } | null;
}

export interface DatasetWithVersions extends Dataset {
  stars: number;
  viewerHasStarred: boolean;
  /** What the viewer may do; READ for a visitor without an account. */
  viewerPermission: 'READ' | 'WRITE' | 'ADMIN';
  versions: DatasetVersionSummary[];
}

/** One row of DatasetVersion.anova (hub/src/datasets/anova.ts). */
export interface AnovaResult {
  column: string;
  groups: number;
  n: number;
  /** null with fewer than two groups or no spread within them */
  f: number | null;
  pValue: number | null;
  dfBetween: number;
  dfWithin: number;
  groupStats: { group: string; n: number; mean: number }[];
}

export interface DatasetColumn {
  /** SQL-safe lower snake case: the name rows and filters use */
  name: string;
  /** The header as uploaded */
  originalName: string;
  type: DatasetColumnType;
}

/** The ingest report, as hub/src/datasets/ingest/ingest.ts writes it (lower-case column types). */
export interface IngestReport {
  format: 'csv' | 'tsv' | 'jsonl';
  encoding: 'utf-8' | 'utf-8-bom' | 'latin-1';
  delimiter: string | null;
  bytes: number;
  rows: number;
  nullTokens: string[];
  sampledRows: number;
  columns: {
    name: string;
    originalName: string;
    type: string;
    nullCount: number;
    invalidCount: number;
    invalidSamples: string[];
  }[];
  renamedColumns: { from: string; to: string }[];
  raggedRows: { policy: 'reject' | 'pad'; count: number; lines: number[]; padded: number; truncated: number };
  ignoredKeys?: string[];
}

/** One column of a version's profile (hub/src/datasets/profile.ts); which stats depend on the type. */
export interface ColumnProfile {
  name: string;
  /** Lower case: integer, float, boolean, date, timestamp, categorical, text */
  type: string;
  count: number;
  missing: number;
  missingRate: number;
  distinct: number;
  min?: number | string | null;
  max?: number | string | null;
  mean?: number | null;
  median?: number | null;
  stddev?: number | null;
  variance?: number | null;
  quantiles?: { p25: number | null; p50: number | null; p75: number | null };
  histogram?: { lower: number; upper: number; count: number }[];
  topValues?: { value: string | boolean; count: number }[];
}

export interface DatasetProfile {
  rowCount: number;
  duplicateRows: number;
  columns: ColumnProfile[];
  correlation: { columns: string[]; matrix: (number | null)[][] };
}

export interface DatasetVersion extends DatasetVersionSummary {
  columns: DatasetColumn[];
  ingestReport: IngestReport;
  profile: DatasetProfile | null;
}

export interface DatasetRowsPage extends Omit<PagedConnection<never>, 'edges'> {
  columns: string[];
  rows: unknown[][];
}

export type SortDirection = 'ASC' | 'DESC';

export interface RowFilter {
  column: string;
  op: 'EQ' | 'NE' | 'LT' | 'LE' | 'GT' | 'GE' | 'IS_NULL' | 'NOT_NULL' | 'CONTAINS';
  value?: string | null;
}

/** Bytes stored against one per-owner quota; limitBytes null when there is none. */
export interface QuotaUsage {
  usedBytes: number;
  limitBytes: number | null;
}

export interface StorageUsage {
  datasets: QuotaUsage;
  artifacts: QuotaUsage;
}
