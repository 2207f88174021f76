/**
 * What a version says about itself beyond its files: the signature (tensors from loading the
 * model, plus the named features, their types and the preprocessing the model expects), metrics
 * and lineage. GraphQL shapes here; the rules in version-metadata.service.ts.
 *
 * Stored forms (jsonb on model_versions):
 *   signature: { inputs, outputs, features?: StoredFeature[], labels?: string[] }
 *   metrics:   { [name]: number }
 *   lineage:   StoredLineage — ids, not names, so renames do not break it; resolved per reader
 *              (a dataset or parent model the reader may not see shows as null).
 */
import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum FeatureType {
  NUMBER = 'number',
  INTEGER = 'integer',
  BOOLEAN = 'boolean',
  CATEGORY = 'category',
  TEXT = 'text',
}
registerEnumType(FeatureType, { name: 'FeatureType' });

export enum PreprocessingKind {
  NONE = 'none',
  STANDARDIZE = 'standardize',
  MIN_MAX = 'min_max',
  ONE_HOT = 'one_hot',
  INDEX = 'index',
}
registerEnumType(PreprocessingKind, {
  name: 'PreprocessingKind',
  description:
    'NONE: fed as is; STANDARDIZE: (x − mean) / std; MIN_MAX: (x − min) / (max − min); ONE_HOT: one input per vocabulary entry; INDEX: position in the vocabulary (for an embedding)',
});

export interface StoredPreprocessing {
  kind: PreprocessingKind;
  mean?: number;
  std?: number;
  min?: number;
  max?: number;
  vocabulary?: string[];
}
export interface StoredFeature {
  name: string;
  type: FeatureType;
  preprocessing: StoredPreprocessing;
}
export interface StoredLineage {
  datasetVersionId?: string;
  /** Every dataset version a training query read (the first is datasetVersionId). */
  datasetVersionIds?: string[];
  /** The compute node that ran the training attempt which made the version. */
  nodeId?: string;
  trainingJobId?: string;
  sql?: string;
  spec?: unknown;
  hyperparameters?: Record<string, unknown>;
  parentVersionId?: string;
  /** True when the uploader stated it (bring-your-own models); false when the hub recorded it (training). */
  declared?: boolean;
}

@ObjectType('TensorSpec', { description: 'An input or output tensor, as TF.js reports it on loading the model', simpleResolvers: true })
export class TensorSpec {
  @Field(() => String) name: string;
  @Field(() => [Int], { nullable: 'items', description: 'null for a free dimension (usually the batch)' }) shape: (number | null)[];
  @Field(() => String) dtype: string;
}

@ObjectType('Preprocessing')
export class Preprocessing {
  @Field(() => PreprocessingKind) kind: PreprocessingKind;
  @Field(() => Float, { nullable: true }) mean?: number;
  @Field(() => Float, { nullable: true }) std?: number;
  @Field(() => Float, { nullable: true }) min?: number;
  @Field(() => Float, { nullable: true }) max?: number;
  @Field(() => [String], { nullable: true }) vocabulary?: string[];
}

@ObjectType('FeatureSpec', { description: 'A named feature the model reads, in input order' })
export class FeatureSpec {
  @Field(() => String) name: string;
  @Field(() => FeatureType) type: FeatureType;
  @Field(() => Preprocessing) preprocessing: Preprocessing;
}

@ObjectType('ModelSignature', { simpleResolvers: true })
export class ModelSignatureType {
  @Field(() => [TensorSpec]) inputs: TensorSpec[];
  @Field(() => [TensorSpec]) outputs: TensorSpec[];
  @Field(() => [FeatureSpec], { description: 'Named features in input order, with their preprocessing; empty until stated' }) features: FeatureSpec[];
  @Field(() => [String], { description: 'Class labels in output order (classification); empty until stated' }) labels: string[];
}

@ObjectType('VersionRef', { description: 'A version of a model or dataset, by owner/name and number' })
export class VersionRef {
  @Field(() => String) owner: string;
  @Field(() => String) name: string;
  @Field(() => Int) number: number;
}

@ObjectType('ModelLineage', { description: 'Where a version came from. References you may not read show as null.' })
export class ModelLineage {
  @Field(() => VersionRef, { nullable: true, description: 'The dataset version it was trained on' }) dataset: VersionRef | null;
  @Field(() => [VersionRef], { description: 'Every dataset version its training query read (those you may read)' }) datasets: VersionRef[];
  @Field(() => Int, { description: 'Dataset versions its training read that you may not read: they are not named, and sql is null' }) hiddenDatasets: number;
  @Field(() => String, { nullable: true, description: 'The compute node that trained it (training by SQL)' }) nodeId: string | null;
  @Field(() => String, { nullable: true }) trainingJobId: string | null;
  @Field(() => String, { nullable: true, description: 'The CREATE MODEL statement that trained it; null unless you may read every dataset it read' }) sql: string | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'The model spec (layer graph) it was built from' }) spec: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) hyperparameters: Record<string, unknown> | null;
  @Field(() => VersionRef, { nullable: true, description: 'The model version it was derived from (fine-tuned or forked)' }) parent: VersionRef | null;
  @Field(() => Boolean, { description: 'True when the uploader stated this lineage; false when the hub recorded it from training' }) declared: boolean;
}

@InputType()
export class PreprocessingInput {
  @Field(() => PreprocessingKind) kind: PreprocessingKind;
  @Field(() => Float, { nullable: true }) mean?: number | null;
  @Field(() => Float, { nullable: true }) std?: number | null;
  @Field(() => Float, { nullable: true }) min?: number | null;
  @Field(() => Float, { nullable: true }) max?: number | null;
  @Field(() => [String], { nullable: true }) vocabulary?: string[] | null;
}

@InputType()
export class FeatureSpecInput {
  @Field(() => String) name: string;
  @Field(() => FeatureType) type: FeatureType;
  @Field(() => PreprocessingInput, { nullable: true, description: 'Default NONE' }) preprocessing?: PreprocessingInput | null;
}

@InputType()
export class VersionRefInput {
  @Field(() => String) owner: string;
  @Field(() => String) name: string;
  @Field(() => Int) number: number;
}

@InputType({ description: 'Lineage stated by the uploader of an externally trained model' })
export class DeclaredLineageInput {
  @Field(() => VersionRefInput, { nullable: true, description: 'A dataset version you can read' }) dataset?: VersionRefInput | null;
  @Field(() => VersionRefInput, { nullable: true, description: 'A model version you can read' }) parent?: VersionRefInput | null;
  @Field(() => GraphQLJSON, { nullable: true }) hyperparameters?: Record<string, unknown> | null;
}

@InputType({ description: 'Each field given replaces what the draft had; omitted fields stay' })
export class ModelVersionMetadataInput {
  @Field(() => [FeatureSpecInput], { nullable: true }) features?: FeatureSpecInput[] | null;
  @Field(() => [String], { nullable: true }) labels?: string[] | null;
  @Field(() => GraphQLJSON, { nullable: true, description: '{ name: number }, e.g. { "accuracy": 0.93 }' }) metrics?: Record<string, unknown> | null;
  @Field(() => DeclaredLineageInput, { nullable: true }) lineage?: DeclaredLineageInput | null;
}
