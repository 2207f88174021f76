import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum ModelVersionStatus {
  DRAFT = 'draft',
  PUBLISHED = 'published',
  DEPRECATED = 'deprecated',
}
registerEnumType(ModelVersionStatus, { name: 'ModelVersionStatus' });

/** One file of a version: where its bytes are in the artifact store. */
@ObjectType('ModelFile')
export class ModelFile {
  @Field(() => String, { description: 'Path relative to model.json, e.g. group1-shard1of1.bin' }) path: string;
  @Field(() => String) sha256: string;
  @Field(() => Int) size: number;
}

export interface TensorSignature {
  name: string;
  /** null for a free dimension (usually the batch). */
  shape: (number | null)[];
  dtype: string;
}

export interface ModelSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}

@ObjectType('ModelVersion', { description: 'An immutable, numbered version of a model', simpleResolvers: true })
@Entity('model_versions')
export class ModelVersion {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId: string;

  @Field(() => Int)
  @Column({ type: 'int' })
  number: number;

  @Field(() => ModelVersionStatus)
  @Column({ type: 'text', default: 'draft' })
  status: ModelVersionStatus;

  /** path → { sha256, size } */
  @Column({ type: 'jsonb' })
  files: Record<string, { sha256: string; size: number }>;

  /** Typed in GraphQL by version-metadata.resolver.ts. */
  @Column({ type: 'jsonb', nullable: true })
  signature: ModelSignature | null;

  @Field(() => GraphQLJSON, { nullable: true, description: '{ name: number }, e.g. { "accuracy": 0.93 }' })
  @Column({ type: 'jsonb', nullable: true })
  metrics: Record<string, unknown> | null;

  /** StoredLineage (version-metadata.ts); resolved per reader by version-metadata.resolver.ts. */
  @Column({ type: 'jsonb', nullable: true })
  lineage: Record<string, unknown> | null;

  @Field(() => String, { description: 'Model card, markdown' })
  @Column({ type: 'text', default: '' })
  card: string;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'Why it was deprecated, and what to use instead' })
  @Column({ name: 'deprecation_message', type: 'text', nullable: true })
  deprecationMessage: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
