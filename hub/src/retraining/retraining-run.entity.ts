import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Where a retraining run is. QUEUED, TRAINING and JUDGING are active: a model has one active run at most. */
export enum RetrainingRunState {
  QUEUED = 'QUEUED',
  TRAINING = 'TRAINING',
  JUDGING = 'JUDGING',
  /** Trained, with no promotion service on this hub to judge it: the version stays a draft. */
  TRAINED = 'TRAINED',
  PROMOTED = 'PROMOTED',
  /** Judged and not promoted: the version stays a draft, with the comparison. */
  KEPT = 'KEPT',
  FAILED = 'FAILED',
}
registerEnumType(RetrainingRunState, { name: 'RetrainingRunState', description: 'Where a retraining run is (QUEUED, TRAINING and JUDGING are active)' });

export const ACTIVE_STATES = [RetrainingRunState.QUEUED, RetrainingRunState.TRAINING, RetrainingRunState.JUDGING] as const;

/** What started a retraining run. */
export enum RetrainingTrigger {
  ON_NEW_DATA = 'ON_NEW_DATA',
  CRON = 'CRON',
  MANUAL = 'MANUAL',
}
registerEnumType(RetrainingTrigger, { name: 'RetrainingTrigger', description: 'What started a retraining run' });

@ObjectType('RetrainingScore', { description: 'One metric of a comparison: the champion’s and the challenger’s' })
export class RetrainingScore {
  @Field(() => String) metric: string;
  @Field(() => Number, { nullable: true }) champion: number | null;
  @Field(() => Number) challenger: number;
}

/** One retraining of a model: what started it, the data it read, the version it made and what became of it. */
@ObjectType('RetrainingRun', { description: 'One retraining of a model trained by SQL' })
@Entity('retraining_runs')
export class RetrainingRun {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId: string;

  @Field(() => RetrainingTrigger)
  @Column({ type: 'text' })
  trigger: RetrainingTrigger;

  @Field(() => RetrainingRunState)
  @Column({ type: 'text', default: RetrainingRunState.QUEUED })
  state: RetrainingRunState;

  @Field(() => String, { nullable: true, description: 'Why it started (the newer dataset versions, schedules missed while the hub was down)' })
  @Column({ type: 'text', nullable: true })
  detail: string | null;

  @Field(() => Date, { nullable: true, description: 'For a scheduled run: the time of the schedule it ran for' })
  @Column({ name: 'scheduled_for', type: 'timestamptz', nullable: true })
  scheduledFor: Date | null;

  @Column({ name: 'requested_by', type: 'uuid', nullable: true })
  requestedBy: string | null;

  @Field(() => ID, { nullable: true, description: 'The train job' })
  @Column({ name: 'job_id', type: 'uuid', nullable: true })
  jobId: string | null;

  @Field(() => [String], { description: 'The dataset versions the challenger trained on, as owner/name@n' })
  @Column({ name: 'data_versions', type: 'jsonb', default: [] })
  dataVersions: string[];

  @Field(() => String, { nullable: true, description: 'The holdout the challenger and the champion are compared on: new rows neither trained on (null: no champion, or no new rows)' })
  @Column({ name: 'holdout_sql', type: 'text', nullable: true })
  holdoutSql: string | null;

  @Field(() => Int, { nullable: true })
  @Column({ name: 'holdout_rows', type: 'int', nullable: true })
  holdoutRows: number | null;

  @Field(() => Int, { nullable: true, description: 'The draft version the run trained (the challenger)' })
  @Column({ name: 'challenger_version', type: 'int', nullable: true })
  challengerVersion: number | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'comparison_id', type: 'text', nullable: true })
  comparisonId: string | null;

  @Field(() => Boolean, { nullable: true })
  @Column({ type: 'boolean', nullable: true })
  promoted: boolean | null;

  @Field(() => String, { nullable: true, description: 'Why the challenger was or was not promoted' })
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Scores side by side: metric → { champion, challenger }' })
  @Column({ type: 'jsonb', nullable: true })
  scores: Record<string, { champion: number | null; challenger: number }> | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'trained_at', type: 'timestamptz', nullable: true })
  trainedAt: Date | null;

  @Column({ name: 'judging_at', type: 'timestamptz', nullable: true })
  judgingAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'Milliseconds from the run’s creation to its end' })
  get durationMs(): number | null {
    return this.finishedAt ? new Date(this.finishedAt).getTime() - new Date(this.createdAt).getTime() : null;
  }
}
