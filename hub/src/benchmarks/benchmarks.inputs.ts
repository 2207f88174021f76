import { Field, Float, InputType, Int } from 'type-graphql';
import { Visibility } from '../accounts/index.js';
import { BenchmarkMetric, BenchmarkTask } from './benchmark-metrics.js';

@InputType()
export class BenchmarkSplitInput {
  @Field(() => Float, { nullable: true, description: 'Share of the labelled rows held out, in (0, 1); default 0.2. Leave out with testDataset' })
  testFraction?: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of the hidden rows scored on the public leaderboard, in (0, 1); default 0.3' })
  publicFraction?: number | null;

  @Field(() => Int, { nullable: true, description: 'The split’s seed: the same dataset version and seed give the same rows; default 0' })
  seed?: number | null;
}

@InputType()
export class BenchmarkRulesInput {
  @Field(() => Int, { nullable: true, description: '1–1000 submissions per team per UTC day; default 5' })
  submissionsPerDay?: number | null;

  @Field(() => Int, { nullable: true, description: '1–1000 members per team (an organization); default 5' })
  teamSize?: number | null;
}

@InputType()
export class CreateBenchmarkInput {
  @Field(() => String, { nullable: true, description: 'User or organization handle that will own it; default: you' })
  owner?: string | null;

  @Field(() => String, { description: '1–96 letters, digits, ".", "_" or "-"; unique per owner. The dev split becomes the dataset <name>-dev' })
  name: string;

  @Field(() => String, { description: 'The dataset version to split: owner/name@version (the latest without @version)' })
  dataset: string;

  @Field(() => String, { description: 'The label column' })
  label: string;

  @Field(() => BenchmarkTask)
  task: BenchmarkTask;

  @Field(() => BenchmarkMetric, { description: 'The metric the leaderboard ranks by; it must suit the task' })
  metric: BenchmarkMetric;

  @Field(() => [BenchmarkMetric], { nullable: true })
  secondaryMetrics?: BenchmarkMetric[] | null;

  @Field(() => BenchmarkSplitInput, { nullable: true })
  split?: BenchmarkSplitInput | null;

  @Field(() => String, { nullable: true, description: 'A separate test set, owner/name@version, with the same columns and types, instead of split.testFraction' })
  testDataset?: string | null;

  @Field(() => BenchmarkRulesInput, { nullable: true })
  rules?: BenchmarkRulesInput | null;

  @Field(() => Date, { nullable: true, description: 'When submissions close (in the future); none: a standing benchmark' })
  deadline?: Date | null;

  @Field(() => String, { nullable: true, description: 'Markdown' })
  description?: string | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;

  @Field(() => Visibility, { nullable: true, description: 'Default PUBLIC; the dev split dataset gets the same' })
  visibility?: Visibility | null;
}

@InputType()
export class UpdateBenchmarkInput {
  @Field(() => String, { nullable: true, description: 'Markdown' }) description?: string | null;
  @Field(() => Date, { nullable: true, description: 'A new deadline (a past one closes it); null makes it a standing benchmark; absent keeps it' })
  deadline?: Date | null;
  @Field(() => BenchmarkRulesInput, { nullable: true }) rules?: BenchmarkRulesInput | null;
  @Field(() => Visibility, { nullable: true, description: 'The dev split dataset follows' }) visibility?: Visibility | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
}
