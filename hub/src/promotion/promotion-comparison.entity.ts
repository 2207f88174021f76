import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum ComparisonMethod {
  /** A holdout query scored for both versions by ML.EVALUATE. */
  HOLDOUT = 'holdout',
  /** The verified scores of a benchmark the model is entered in. */
  BENCHMARK = 'benchmark',
  /** Nothing to compare with (no champion) and no data to score the challenger on. */
  NONE = 'none',
}
registerEnumType(ComparisonMethod, { name: 'ComparisonMethod', description: 'The data both versions were scored on' });

export enum ComparisonStatus {
  EVALUATING = 'evaluating',
  DECIDED = 'decided',
  /** An evaluation failed or timed out; `reason` says which. */
  FAILED = 'failed',
}
registerEnumType(ComparisonStatus, { name: 'ComparisonStatus' });

@ObjectType('PromotionRule', { description: 'When a challenger replaces the production version' })
export class PromotionRuleType {
  @Field(() => String, { description: 'The deciding metric, ML.EVALUATE’s name (f1_score, accuracy, root_mean_squared_error, …)' }) metric: string;
  @Field(() => Float, { description: 'How much better the challenger must be on the metric, in its units (0: any improvement)' }) minImprovement: number;
  @Field(() => Float, { description: 'How much worse any secondary metric may get, in its units' }) tolerance: number;
  @Field(() => Boolean, { description: 'True when lower values of the metric are better (errors, log loss)' }) lowerIsBetter: boolean;
  @Field(() => Boolean, { description: 'False while the model uses its task’s default rule' }) custom: boolean;
}

@ObjectType('MetricComparison', { description: 'One metric of both versions on the same data' })
export class MetricComparison {
  @Field(() => String) metric: string;
  @Field(() => String, { description: 'The metric as people say it ("macro F1")' }) words: string;
  @Field(() => Float, { nullable: true, description: 'The production version’s score; null without a champion or when undefined on this data' }) champion: number | null;
  @Field(() => Float, { nullable: true }) challenger: number | null;
  @Field(() => Boolean) lowerIsBetter: boolean;
}

/** A challenger version compared with the production version (promotion.service.ts). */
@ObjectType('PromotionComparison', { description: 'A challenger version compared with the production version on the same data, and the decision' })
@Entity('promotion_comparisons')
export class PromotionComparison {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId: string;

  @Column({ name: 'challenger_version_id', type: 'uuid' })
  challengerVersionId: string;

  @Field(() => Int, { description: 'The version compared' })
  @Column({ name: 'challenger_number', type: 'int' })
  challengerVersion: number;

  @Column({ name: 'champion_version_id', type: 'uuid', nullable: true })
  championVersionId: string | null;

  @Field(() => Int, { nullable: true, description: 'The production version it was compared with; null when production pointed at none' })
  @Column({ name: 'champion_number', type: 'int', nullable: true })
  championVersion: number | null;

  @Field(() => ComparisonMethod)
  @Column({ type: 'text' })
  method: ComparisonMethod;

  @Field(() => String, { nullable: true, description: 'The holdout query both versions were scored on' })
  @Column({ name: 'holdout_sql', type: 'text', nullable: true })
  holdoutSql: string | null;

  @Field(() => ID, { nullable: true, description: 'The benchmark whose verified scores decided' })
  @Column({ name: 'benchmark_id', type: 'uuid', nullable: true })
  benchmarkId: string | null;

  @Field(() => [String], { description: 'The dataset versions the challenger trained on (owner/name@n)' })
  @Column({ name: 'data_versions', type: 'jsonb', default: () => `'[]'` })
  dataVersions: string[];

  @Field(() => ID, { nullable: true, description: 'The retraining run that asked for it' })
  @Column({ name: 'retraining_run_id', type: 'uuid', nullable: true })
  retrainingRunId: string | null;

  @Field(() => Boolean, { description: 'True when a win moves production (a retraining, or compareVersions with promote); false for "would it win?"' })
  @Column({ type: 'boolean' })
  decides: boolean;

  @Field(() => ComparisonStatus)
  @Column({ type: 'text' })
  status: ComparisonStatus;

  @Field(() => PromotionRuleType, { nullable: true, description: 'The rule it was judged by' })
  @Column({ type: 'jsonb', nullable: true })
  rule: PromotionRuleType | null;

  @Field(() => [MetricComparison], { description: 'Every metric of both versions, side by side (the deciding one first)' })
  @Column({ type: 'jsonb', default: () => `'[]'` })
  scores: MetricComparison[];

  @Field(() => Boolean, { nullable: true, description: 'Whether the challenger beats the champion by the rule; null until decided' })
  @Column({ type: 'boolean', nullable: true })
  wins: boolean | null;

  @Field(() => Boolean, { description: 'Whether production moved to the challenger' })
  @Column({ type: 'boolean', default: false })
  promoted: boolean;

  @Field(() => String, { nullable: true, description: 'Why, with the numbers ("macro F1 0.81 vs 0.86: below the champion by 0.05, needs +0.01"), or why it failed' })
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'requested_by', type: 'uuid', nullable: true })
  requestedBy: string | null;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
