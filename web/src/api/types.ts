/**
 * The portal's names for what it reads from the hub. Every shape the schema defines comes from
 * ./generated.ts (written from schema/schema.graphql and the portal's documents by
 * `npm run types:web`), so a changed API breaks the portal at compile time. Hand-written here:
 * the shapes of JSON fields (the schema says only `JSON`) and the order the portal offers enums in.
 */
import type {
  AccountEventsSubscription,
  ApiKeyFieldsFragment,
  ApiKeysQuery,
  ComputeNodeFieldsFragment,
  DatasetFieldsFragment,
  DatasetQuery,
  DatasetRowsQuery,
  DatasetsQuery,
  DatasetVersionQuery,
  DatasetVersionSummaryFieldsFragment,
  JobDetailFieldsFragment,
  JobFieldsFragment,
  JobStatus,
  LogInMutation,
  MyOrganizationsQuery,
  NodeStatus,
  NodeTokenFieldsFragment,
  NodeTokensQuery,
  OrganizationFieldsFragment,
  OrganizationMembersQuery,
  OrgRole,
  Scope,
  StorageUsageFieldsFragment,
  TrustListFieldsFragment,
  TrustNodeFieldsFragment,
  UserFieldsFragment,
  Visibility,
} from './generated';

export type { AccountEventKind, JobStatus, NodeStatus, OrgRole, RowFilter, Scope, SortDirection, Visibility } from './generated';

/** `T` with its JSON fields given the shapes the portal reads in them. */
export type WithJson<T, Shapes> = Omit<T, keyof Shapes> & Shapes;

/**
 * The values of a schema enum in the order the portal offers them. Written as an object so the
 * compiler rejects a value the enum lacks and notices one the list lacks.
 */
export function enumValues<T extends string>(values: Record<T, true>): readonly T[] {
  return Object.keys(values) as T[];
}

export const SCOPES = enumValues<Scope>({
  MODELS_READ: true,
  MODELS_WRITE: true,
  DATASETS_READ: true,
  DATASETS_WRITE: true,
  JOBS_READ: true,
  JOBS_WRITE: true,
  NODES_READ: true,
  NODES_MANAGE: true,
  NOTIFICATIONS: true,
  INFERENCE: true,
});

/** Strongest first. */
export const ORG_ROLES = enumValues<OrgRole>({ OWNER: true, ADMIN: true, MEMBER: true });

export type User = UserFieldsFragment;
export type AuthPayload = LogInMutation['logIn'];
/**
 * What the Account page lists and what its mutations answer: both selections, so the compiler keeps
 * the lists' fields and the fragments (ApiKeyFields, NodeTokenFields, OrganizationFields) alike.
 */
export type ApiKey = ApiKeysQuery['apiKeys']['edges'][number]['node'] & ApiKeyFieldsFragment;
export type NodeToken = NodeTokensQuery['nodeTokens']['edges'][number]['node'] & NodeTokenFieldsFragment;
export type Organization = MyOrganizationsQuery['myOrganizations']['edges'][number]['node'] & OrganizationFieldsFragment;
export type Membership = OrganizationMembersQuery['organization']['members']['edges'][number]['node'];
export type AccountEvent = AccountEventsSubscription['accountEvents'];

/** The part of a connection a short list reads. */
export interface Connection<T> {
  totalCount: number;
  edges: { node: T }[];
}

/** A connection selected with its pageInfo, for "Load more". */
export interface PagedConnection<T> extends Connection<T> {
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** In the order the portal offers them as filters. */
export const NODE_STATUSES = enumValues<NodeStatus>({ ONLINE: true, DRAINING: true, OFFLINE: true, DISABLED: true, QUARANTINED: true });

/** A compute node as the registry reports it (named so as not to shadow the DOM's Node). */
export type ComputeNode = ComputeNodeFieldsFragment;

/** Whom the user trusts with jobs that read their non-public data. */
export type TrustList = TrustListFieldsFragment;
export type TrustNode = TrustNodeFieldsFragment;

/** In lifecycle order. */
export const JOB_STATUSES = enumValues<JobStatus>({ QUEUED: true, LEASED: true, RUNNING: true, SUCCEEDED: true, FAILED: true, CANCELED: true });

export type Job = JobFieldsFragment;
/** A job with its attempt history, as its own page shows it. */
export type JobDetail = JobDetailFieldsFragment;
export type JobAttempt = JobDetail['history'][number];

/** In the order the portal offers them. */
export const VISIBILITIES = enumValues<Visibility>({ PUBLIC: true, UNLISTED: true, PRIVATE: true });

export type Dataset = DatasetFieldsFragment;
/** A dataset as the list shows it: its versions' numbers and sizes, newest first. */
export type DatasetListItem = DatasetsQuery['datasets']['edges'][number]['node'];
export type DatasetVersionSummary = DatasetVersionSummaryFieldsFragment;
export type DatasetWithVersions = DatasetQuery['dataset'];
export type DatasetVersion = WithJson<DatasetVersionQuery['datasetVersion'], { ingestReport: IngestReport; profile: DatasetProfile | null }>;
export type DatasetColumn = DatasetVersion['columns'][number];
export type DatasetRowsPage = WithJson<DatasetRowsQuery['datasetVersion']['rows'], { rows: unknown[][] }>;

/** One entry of DatasetVersion.anova (JSON; hub/src/datasets/anova.ts). */
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

/** DatasetVersion.ingestReport (JSON), as hub/src/datasets/ingest/ingest.ts writes it (lower-case column types). */
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

/** One column of DatasetVersion.profile (JSON; hub/src/datasets/profile.ts); which stats depend on the type. */
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

/** Bytes stored against each per-owner quota; limitBytes null when there is none. */
export type StorageUsage = StorageUsageFieldsFragment;
export type QuotaUsage = StorageUsage['datasets'];
