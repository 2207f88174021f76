/**
 * The model catalog's shapes, from ../api/generated.ts (schema/schema.graphql and the portal's
 * documents): see ../api/types.ts. Hand-written: the order enums are offered in and JSON fields.
 */
import { enumValues, type WithJson } from '../api/types';
import type {
  ModelCollaboratorsQuery,
  ModelDetailFieldsFragment, ModelSort, ModelsQuery, ModelSubscriptionQuery, ModelVersionFieldsFragment,
} from '../api/generated';

export type { ModelSort, ModelVersionStatus, Visibility } from '../api/generated';

/** In the order the catalog offers them. RELEVANCE needs a search text, BENCHMARK_RANK a benchmark (`bestOn`). */
export const MODEL_SORTS = enumValues<ModelSort>({ RELEVANCE: true, BENCHMARK_RANK: true, STARS: true, DOWNLOADS: true, UPDATED: true, NEWEST: true });

/** What a model row of the catalog shows. */
export type ModelSummary = ModelsQuery['models']['edges'][number]['node'];

/** A model version in full; `metrics` is JSON: `{ name: number }`. */
export type ModelVersion = WithJson<ModelVersionFieldsFragment, { metrics: Record<string, unknown> | null }>;
export type ModelFile = ModelVersion['files'][number];
export type ModelSignature = NonNullable<ModelVersion['signature']>;
export type TensorSpec = ModelSignature['inputs'][number];
export type FeatureSpec = ModelSignature['features'][number];
export type ModelLineage = NonNullable<ModelVersion['lineage']>;

export type ModelDetail = WithJson<ModelDetailFieldsFragment, { versions: ModelVersion[] }>;

/** The user following a model: news of its versions reach their inbox, and their webhook if they gave one. */
export type ModelSubscription = NonNullable<ModelSubscriptionQuery['subscriptionTo']>;

export type ModelCollaborator = ModelCollaboratorsQuery['model']['collaborators'][number];
