/** The GraphQL shapes of submissions and leaderboards (rows read by SubmissionsService; no entities). */
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BenchmarkMetric } from '../benchmarks/index.js';

export enum SubmissionStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SCORED = 'SCORED',
  FAILED = 'FAILED',
}
registerEnumType(SubmissionStatus, {
  name: 'SubmissionStatus',
  description: 'QUEUED: waiting for a node; RUNNING: a node is predicting; SCORED: the hub scored it; FAILED: see error',
});

@ObjectType({ description: 'One metric of a submission on one part of the hidden split, computed by the hub' })
export class MetricScore {
  @Field(() => BenchmarkMetric) metric: BenchmarkMetric;
  @Field(() => Float, { nullable: true, description: 'Null where the metric is undefined on these rows' }) value: number | null;
}

@ObjectType({ description: 'A percentile bootstrap confidence interval of a score' })
export class ScoreInterval {
  @Field(() => Float) low: number;
  @Field(() => Float) high: number;
  @Field(() => Float, { description: '0.95' }) confidence: number;
}

@ObjectType({ description: 'A model version sent to a benchmark, and its scores' })
export class BenchmarkSubmission {
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true, description: 'owner/name of the model; null if you may not read it' }) model: string | null;
  @Field(() => Int) modelVersion: number;
  @Field(() => String, { description: 'Username of who submitted it' }) submitter: string;
  @Field(() => String, { nullable: true, description: 'The organization it was submitted for (its team); null: submitted alone' }) team: string | null;
  @Field(() => Boolean, { description: 'Submitted by a standing benchmark entry (a new version of an entered model), not by hand' }) automatic: boolean;
  @Field(() => SubmissionStatus) status: SubmissionStatus;
  @Field(() => String, { nullable: true, description: 'Why it FAILED' }) error: string | null;
  @Field(() => Float, { nullable: true, description: 'The benchmark metric on the public part of the hidden split' }) publicScore: number | null;
  @Field(() => ScoreInterval, { nullable: true, description: '95 % bootstrap interval of the public score' }) publicInterval: ScoreInterval | null;
  @Field(() => [MetricScore], { description: 'The metric and the secondary metrics on the public part' }) publicMetrics: MetricScore[];
  @Field(() => Float, { nullable: true, description: 'The metric on the private part: null until the deadline has passed (the benchmark’s admins see it before)' })
  privateScore: number | null;
  @Field(() => [MetricScore], { nullable: true, description: 'The metrics on the private part, revealed as privateScore' }) privateMetrics: MetricScore[] | null;
  @Field(() => Date) createdAt: Date;
  @Field(() => Date, { nullable: true }) scoredAt: Date | null;
}

@ObjectType({ description: 'One submitter’s best submission on the board' })
export class LeaderboardEntry {
  @Field(() => Int, { description: 'By the public score while open, by the private score after the deadline; ties share a rank' }) rank: number;
  @Field(() => Int, { nullable: true, description: 'After the deadline: the rank on the public board, beside the final one (the shake-up)' }) publicRank: number | null;
  @Field(() => BenchmarkSubmission, { description: 'The submission the entry ranks' }) submission: BenchmarkSubmission;
  @Field(() => String, { description: 'The team (organization handle) for a team’s entry, else the submitter’s username' }) submitter: string;
  @Field(() => Int, { description: 'All the submitter’s submissions to the benchmark' }) submissions: number;
  @Field(() => Date) lastSubmittedAt: Date;
}

@ObjectType({ description: 'A benchmark’s leaderboard' })
export class Leaderboard {
  @Field(() => Boolean, { description: 'The deadline has passed: the ranking is the private one and private scores are shown' }) final: boolean;
  @Field(() => [LeaderboardEntry]) entries: LeaderboardEntry[];
}

@InputType()
export class BenchmarkRefInput {
  @Field(() => String) owner: string;
  @Field(() => String) name: string;
}

@InputType()
export class ModelVersionRefInput {
  @Field(() => String) owner: string;
  @Field(() => String) name: string;
  @Field(() => Int) version: number;
}

@ObjectType({ description: 'A model version of yours the benchmark can evaluate' })
export class CompatibleModelVersion {
  @Field(() => String) owner: string;
  @Field(() => String) name: string;
  @Field(() => Int) version: number;
}
