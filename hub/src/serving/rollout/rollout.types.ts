/** GraphQL shapes of a progressive rollout: its input, its steps, its analysis and where it is. */
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum RolloutState {
  RUNNING = 'running',
  PAUSED = 'paused',
  PROMOTED = 'promoted',
  ROLLED_BACK = 'rolled_back',
  ABORTED = 'aborted',
}
registerEnumType(RolloutState, { name: 'RolloutStatus', description: 'Where a progressive rollout is' });

export enum AnalysisVerdict {
  HEALTHY = 'HEALTHY',
  FAILING = 'FAILING',
  INSUFFICIENT = 'INSUFFICIENT',
}
registerEnumType(AnalysisVerdict, { name: 'RolloutVerdict', description: 'HEALTHY: within the thresholds; FAILING: beyond one (the rollout rolls back); INSUFFICIENT: too few canary requests to judge' });

@InputType('RolloutStepInput', { description: 'One step: the canary’s weight, and how long the step lasts at least (or a pause, held until resumed)' })
export class RolloutStepInput {
  @Field(() => Int, { description: 'Percent of requests the canary answers (1–100), at least the step before’s' }) weight: number;
  @Field(() => Int, { nullable: true, description: 'Seconds the step lasts at least (0: as soon as the analysis passes); not with pause' }) durationSeconds?: number | null;
  @Field(() => Boolean, { nullable: true, description: 'Hold at this step until resumeRollout (the analysis still guards it)' }) pause?: boolean | null;
}

@InputType('RolloutAnalysisInput', { description: 'When the canary fails: against the stable version over a window (defaults in docs/rollouts.md)' })
export class RolloutAnalysisInput {
  @Field(() => Int, { nullable: true, description: 'Seconds of traffic analysed (10–86400; default 60), at most since the step began' }) windowSeconds?: number | null;
  @Field(() => Int, { nullable: true, description: 'Canary requests in the window before it is judged (default 20)' }) minRequests?: number | null;
  @Field(() => Float, { nullable: true, description: 'Largest excess of the canary’s error rate over the stable’s, a fraction (default 0.01)' }) maxErrorRateIncrease?: number | null;
  @Field(() => Float, { nullable: true, description: 'Largest ratio of the canary’s p99 latency to the stable’s (default 1.5) …' }) maxP99Ratio?: number | null;
  @Field(() => Float, { nullable: true, description: '… counted only when the difference is above this many ms (default 20)' }) p99SlackMs?: number | null;
}

@InputType('StartRolloutInput', { description: 'A progressive rollout of a canary version on a deployment that serves one version' })
export class StartRolloutInput {
  @Field(() => Int, { nullable: true, description: 'The canary version; not with alias' }) version?: number | null;
  @Field(() => String, { nullable: true, description: 'The version this alias points at now' }) alias?: string | null;
  @Field(() => [RolloutStepInput], { nullable: true, description: 'Default: 10 %, 25 %, 50 %, a minute each' }) steps?: RolloutStepInput[] | null;
  @Field(() => RolloutAnalysisInput, { nullable: true }) analysis?: RolloutAnalysisInput | null;
}

@ObjectType('RolloutStep')
export class RolloutStepView {
  @Field(() => Int) weight: number;
  @Field(() => Int, { nullable: true, description: 'null: a pause' }) durationSeconds: number | null;
  @Field(() => Boolean) pause: boolean;
}

@ObjectType('RolloutAnalysisSettings')
export class RolloutAnalysisSettings {
  @Field(() => Int) windowSeconds: number;
  @Field(() => Int) minRequests: number;
  @Field(() => Float) maxErrorRateIncrease: number;
  @Field(() => Float) maxP99Ratio: number;
  @Field(() => Float) p99SlackMs: number;
}

@ObjectType('RolloutVersionFigures', { description: 'One version’s requests in the analysis window, summed over every hub' })
export class RolloutVersionFigures {
  @Field(() => Int) versionNumber: number;
  @Field(() => Int) requests: number;
  @Field(() => Int, { description: 'Requests that failed through the service’s fault (a caller’s bad input or spent quota is not counted)' }) errors: number;
  @Field(() => Float, { nullable: true }) errorRate: number | null;
  @Field(() => Float, { nullable: true }) p99Ms: number | null;
}

@ObjectType('RolloutAnalysis', { description: 'The latest analysis: the canary against the stable version over the same window' })
export class RolloutAnalysisView {
  @Field(() => Date) from: Date;
  @Field(() => Date) to: Date;
  @Field(() => AnalysisVerdict) verdict: AnalysisVerdict;
  @Field(() => [String], { description: 'Why it fails, or what it waits for' }) reasons: string[];
  @Field(() => RolloutVersionFigures) stable: RolloutVersionFigures;
  @Field(() => RolloutVersionFigures) canary: RolloutVersionFigures;
}

@ObjectType('Rollout', { description: 'A progressive rollout of a canary version on a deployment (docs/rollouts.md)' })
export class RolloutView {
  @Field(() => ID) id: string;
  @Field(() => RolloutState) status: RolloutState;
  @Field(() => Int) stableVersion: number;
  @Field(() => Int) canaryVersion: number;
  @Field(() => [RolloutStepView]) steps: RolloutStepView[];
  @Field(() => Int, { description: 'The current (or last) step, from 0' }) currentStep: number;
  @Field(() => Int, { description: 'The canary’s weight now: its step’s while in progress, 100 once promoted, 0 once rolled back or aborted' }) canaryWeight: number;
  @Field(() => Date) stepStartedAt: Date;
  @Field(() => RolloutAnalysisSettings) analysis: RolloutAnalysisSettings;
  @Field(() => RolloutAnalysisView, { nullable: true, description: 'null until the first analysis' }) lastAnalysis: RolloutAnalysisView | null;
  @Field(() => String, { nullable: true, description: 'Why it was rolled back, aborted or paused' }) reason: string | null;
  @Field(() => Date) startedAt: Date;
  @Field(() => Date) updatedAt: Date;
  @Field(() => Date, { nullable: true }) endedAt: Date | null;
}
