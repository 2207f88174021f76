import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Column, Entity } from 'typeorm';
import { bigintAsNumber, OwnedListing } from '../sharing/index.js';
import { ColumnType } from '../datasets/index.js';
import { BenchmarkMetric, BenchmarkTask } from './benchmark-metrics.js';

@ObjectType('BenchmarkColumn', { description: 'A feature column of a benchmark: what a model is given' })
export class BenchmarkColumn {
  @Field(() => String) name: string;
  @Field(() => ColumnType) type: ColumnType;
}

@ObjectType('BenchmarkRules')
export class BenchmarkRules {
  @Field(() => Int, { description: 'Submissions a team may make per UTC day' })
  submissionsPerDay: number;

  @Field(() => Int, { description: 'Most members a team (an organization) may have to submit' })
  teamSize: number;
}

/** How the rows were split, as stored; the seed is kept for the record and never shown. */
export interface BenchmarkSplit {
  /** The share of the dataset's rows held out (null when a separate test dataset was given). */
  testFraction: number | null;
  /** The share of the hidden rows scored on the public leaderboard. */
  publicFraction: number;
  seed: number;
  /** Dataset rows left out of both sides because their label is NULL. */
  unlabeledRows: number;
}

/**
 * A benchmark `owner/name`: a task on a dataset version. Its dev split is an ordinary dataset
 * version (`devVersionId`); its hidden test split lives in `hiddenTable` (aimass_private), which
 * nothing but the hub's own code reads (hidden-split.ts).
 */
@ObjectType('Benchmark', { description: 'A task on a dataset: a dev split anyone who may read it can use, and a hidden test split the hub scores against' })
@Entity('benchmarks')
export class Benchmark extends OwnedListing {
  @Field(() => BenchmarkTask)
  @Column({ type: 'text' })
  task: BenchmarkTask;

  @Field(() => BenchmarkMetric, { description: 'The metric the leaderboard ranks by' })
  @Column({ type: 'text' })
  metric: BenchmarkMetric;

  @Field(() => [BenchmarkMetric], { description: 'Reported beside the main metric' })
  @Column({ name: 'secondary_metrics', type: 'text', array: true, default: () => `'{}'` })
  secondaryMetrics: BenchmarkMetric[];

  @Field(() => String, { description: 'The column models predict' })
  @Column({ type: 'text' })
  label: string;

  @Field(() => ColumnType, { description: 'The label column’s type' })
  @Column({ name: 'label_type', type: 'text' })
  labelType: ColumnType;

  @Field(() => [BenchmarkColumn], { description: 'Every column but the label, in the dataset’s order' })
  @Column({ name: 'feature_columns', type: 'jsonb' })
  featureColumns: BenchmarkColumn[];

  @Field(() => BenchmarkRules)
  @Column({ type: 'jsonb' })
  rules: BenchmarkRules;

  @Field(() => Date, { nullable: true, description: 'When submissions close; none: a standing benchmark' })
  @Column({ type: 'timestamptz', nullable: true })
  deadline: Date | null;

  @Column({ type: 'jsonb' })
  split: BenchmarkSplit;

  /**
   * When its final ranking was announced (leaderboards/final-rankings.ts claims it with SQL; a
   * deadline moved ahead again clears it, BenchmarksService.update). Never written by saving the
   * entity, so an edit does not undo a claim made meanwhile.
   */
  @Column({ name: 'final_ranking_announced_at', type: 'timestamptz', nullable: true, insert: false, update: false })
  finalRankingAnnouncedAt: Date | null;

  @Column({ name: 'source_version_id', type: 'uuid' })
  sourceVersionId: string;

  @Column({ name: 'test_source_version_id', type: 'uuid', nullable: true })
  testSourceVersionId: string | null;

  @Column({ name: 'dev_dataset_id', type: 'uuid' })
  devDatasetId: string;

  @Column({ name: 'dev_version_id', type: 'uuid' })
  devVersionId: string;

  /** `aimass_private.benchmark_<hex>`, generated from the benchmark's id; never shown to clients. */
  @Column({ name: 'hidden_table', type: 'text' })
  hiddenTable: string;

  @Field(() => Float, { description: 'Rows in the hidden test split' })
  @Column({ name: 'test_row_count', type: 'bigint', transformer: bigintAsNumber })
  testRowCount: number;

  @Field(() => Float, { description: 'Hidden rows scored on the public leaderboard (the rest decide the final, private ranking)' })
  @Column({ name: 'public_row_count', type: 'bigint', transformer: bigintAsNumber })
  publicRowCount: number;
}
