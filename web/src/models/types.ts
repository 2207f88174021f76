/** TypeScript shapes of the model catalog's parts of schema/schema.graphql that the portal selects (dates as ISO strings). */
import type { Visibility } from '../api/types';

export type { Visibility };

/** The ModelSort enum, in the order the catalog offers them. RELEVANCE needs a search text. */
export const MODEL_SORTS = ['RELEVANCE', 'STARS', 'DOWNLOADS', 'UPDATED', 'NEWEST'] as const;
export type ModelSort = (typeof MODEL_SORTS)[number];

export const MODEL_VERSION_STATUSES = ['DRAFT', 'PUBLISHED', 'DEPRECATED'] as const;
export type ModelVersionStatus = (typeof MODEL_VERSION_STATUSES)[number];

/** The ModelRole enum, weakest first. */
export const MODEL_ROLES = ['READ', 'WRITE', 'ADMIN'] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];

/** What a model row of the catalog shows. */
export interface ModelSummary {
  id: string;
  /** Handle of the user or organization that owns it */
  owner: string;
  name: string;
  task: string;
  framework: string;
  tags: string[];
  license: string;
  visibility: Visibility;
  /** Markdown */
  description: string;
  stars: number;
  downloads: number;
  createdAt: string;
  updatedAt: string;
  /** The newest published version, or null */
  latestVersion: { number: number; publishedAt: string | null } | null;
}

export interface VersionRef {
  owner: string;
  name: string;
  number: number;
}

export interface ModelFile {
  /** Relative to model.json */
  path: string;
  sha256: string;
  size: number;
}

export interface TensorSpec {
  name: string;
  /** null for a free dimension (usually the batch) */
  shape: (number | null)[];
  dtype: string;
}

export type PreprocessingKind = 'NONE' | 'STANDARDIZE' | 'MIN_MAX' | 'ONE_HOT' | 'INDEX';

export interface FeatureSpec {
  name: string;
  type: 'NUMBER' | 'INTEGER' | 'BOOLEAN' | 'CATEGORY' | 'TEXT';
  preprocessing: {
    kind: PreprocessingKind;
    mean: number | null;
    std: number | null;
    min: number | null;
    max: number | null;
    vocabulary: string[] | null;
  };
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  features: FeatureSpec[];
  labels: string[];
}

export interface ModelLineage {
  dataset: VersionRef | null;
  parent: VersionRef | null;
  trainingJobId: string | null;
  sql: string | null;
  spec: unknown;
  hyperparameters: unknown;
  /** Stated by the uploader, rather than recorded by the hub from training */
  declared: boolean;
}

export interface ModelVersion {
  id: string;
  number: number;
  status: ModelVersionStatus;
  /** Markdown */
  card: string;
  /** { name: number } */
  metrics: Record<string, unknown> | null;
  publishedAt: string | null;
  deprecationMessage: string | null;
  createdAt: string;
  files: ModelFile[];
  signature: ModelSignature | null;
  lineage: ModelLineage | null;
}

export interface ModelDetail extends Omit<ModelSummary, 'latestVersion'> {
  viewerHasStarred: boolean;
  forks: number;
  forkedFrom: { owner: string; name: string } | null;
  versions: ModelVersion[];
  aliases: { alias: string; number: number }[];
}

export interface ModelCollaborator {
  user: { id: string; username: string; displayName: string };
  role: ModelRole;
  createdAt: string;
}

/** The user following a model: news of its versions reach their inbox, and their webhook if they gave one. */
export interface ModelSubscription {
  id: string;
  webhookUrl: string | null;
  /** For the model's future inference API; stored, not enforced yet */
  plan: { name: string; dailyRequestQuota: number } | null;
  createdAt: string;
}
