import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { FeatureColumn, TrainHyperparameters } from '../../../schema/index.js';
import type { ModelSignature } from '../catalog/index.js';

@ObjectType('TrainingColumn', { description: 'A column the trainer reads: the label or a feature, with its type' })
export class TrainingColumn {
  @Field(() => String) name: string;
  @Field(() => String, { description: 'number, integer, boolean, category or text' }) type: string;
}

@ObjectType('TrainingDataset', { description: 'A dataset version a training query read' })
export class TrainingDataset {
  @Field(() => String) owner: string;
  @Field(() => String) name: string;
  @Field(() => Int) version: number;
}

/** A dataset version as the run stores it (ids for lineage, names as written for display). */
export interface RunDataset {
  owner: string;
  name: string;
  version: number;
  versionId: string;
  datasetId: string;
  /** Internal table (for the sandbox's grants); never shown. */
  table: string;
}

/** A tuning trial's uploaded model, checked like any upload, waiting to become a version if its trial is the best. */
export interface TrialArtifact {
  files: Record<string, { sha256: string; size: number }>;
  signature: ModelSignature;
  metrics: Record<string, number>;
  epochs: number;
  stoppedEarly: boolean;
}

/**
 * Where a run's version goes online (CREATE MODEL … OPTIONS (deploy = TRUE | deployment = 'name')),
 * and the credential that asked for it: the deployment is made for that user, with that
 * credential's scopes, when the version lands.
 */
export interface RunDeploy {
  name: string;
  via: 'session' | 'apiKey';
  credentialId: string;
  scopes: string[] | 'all';
}

/** One CREATE MODEL … AS SELECT: the job that trains it and what it reads. */
@ObjectType('TrainingRun', { description: 'A training job started by CREATE MODEL … AS SELECT' })
@Entity('training_runs')
export class TrainingRun {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column({ name: 'job_id', type: 'uuid' })
  jobId: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId: string;

  /** Who ran CREATE MODEL (the job's owner). */
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Field(() => String, { description: 'The CREATE MODEL statement as written' })
  @Column({ type: 'text' })
  statement: string;

  /** The SELECT over the datasets' internal tables: run by the hub for the agent, never shown. */
  @Column({ name: 'query_sql', type: 'text', select: false })
  querySql: string;

  @Column({ type: 'jsonb' })
  datasets: RunDataset[];

  @Field(() => String, { description: 'linear_reg, logistic_reg, dnn_classifier, dnn_regressor or custom' })
  @Column({ name: 'model_type', type: 'text' })
  modelType: string;

  @Field(() => String, { description: 'classification or regression' })
  @Column({ type: 'text' })
  task: string;

  @Field(() => TrainingColumn)
  @Column({ type: 'jsonb' })
  label: FeatureColumn;

  @Field(() => [TrainingColumn], { description: 'The feature columns, in input order' })
  @Column({ type: 'jsonb' })
  features: FeatureColumn[];

  @Field(() => GraphQLJSON, { description: 'Every hyperparameter, defaults filled in' })
  @Column({ type: 'jsonb' })
  hyperparameters: TrainHyperparameters;

  @Field(() => Int, { description: 'Rows the query returned when training was asked for' })
  @Column({ name: 'row_count', type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  rowCount: number;

  @Column({ name: 'model_version_id', type: 'uuid', nullable: true })
  modelVersionId: string | null;

  @Field(() => Int, { nullable: true, description: 'Epochs the model that became the version was trained for' })
  @Column({ name: 'epochs_trained', type: 'int', nullable: true })
  epochsTrained: number | null;

  @Field(() => Boolean, { nullable: true, description: 'True when early stopping ended training before its epochs' })
  @Column({ name: 'stopped_early', type: 'boolean', nullable: true })
  stoppedEarly: boolean | null;

  /** Tuning (num_trials > 1): the tuning this run is a trial of, and its number (1-based); null otherwise. */
  @Column({ name: 'tuning_id', type: 'uuid', nullable: true })
  tuningId: string | null;

  @Field(() => Int, { nullable: true, description: 'Tuning: this run’s trial number (1-based); null for a run without tuning' })
  @Column({ name: 'trial_number', type: 'int', nullable: true })
  trialNumber: number | null;

  /** False while the trial waits for a free slot (its job is not queued yet). */
  @Column({ name: 'trial_submitted', type: 'boolean', default: true })
  trialSubmitted: boolean;

  /** Tuning: the trial's trained model, kept as a candidate until the best trial is picked. */
  @Column({ name: 'trial_artifact', type: 'jsonb', nullable: true })
  trialArtifact: TrialArtifact | null;

  @Column({ type: 'jsonb', nullable: true })
  deploy: RunDeploy | null;

  @Field(() => String, { nullable: true, description: 'What came of deploying its version: the deployment made or moved, or why it could not be' })
  @Column({ name: 'deploy_message', type: 'text', nullable: true })
  deployMessage: string | null;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
