/**
 * The move a rollout makes, from where it is, the time and its latest analysis: roll back when the
 * canary fails (running or paused), advance to the following step once the step lasted its duration and
 * the analysis passed, promote after the last step; otherwise wait. A step without a duration is a
 * pause: the rollout holds there (still guarded by the analysis) until someone resumes it.
 */
import type { Analysis } from './rollout-analysis.js';
import type { RolloutStep } from './rollout-plan.js';

export type RolloutStatus = 'running' | 'paused' | 'promoted' | 'rolled_back' | 'aborted';

export interface RolloutPosition {
  status: RolloutStatus;
  steps: readonly RolloutStep[];
  /** The current step's index. */
  step: number;
  /** When the current step began, ms since the epoch. */
  stepStartedAt: number;
}

export type Move = { kind: 'wait' } | { kind: 'rollback'; reason: string } | { kind: 'advance'; to: number } | { kind: 'pause'; reason: string } | { kind: 'promote' };

export function nextMove(r: RolloutPosition, now: number, analysis: Analysis): Move {
  if (r.status !== 'running' && r.status !== 'paused') return { kind: 'wait' };
  if (analysis.verdict === 'FAILING') return { kind: 'rollback', reason: `the canary (version ${analysis.canary.versionNumber}) failed its analysis: ${analysis.reasons.join('; ')}` };
  if (r.status === 'paused') return { kind: 'wait' };
  const step = r.steps[r.step];
  if (step.durationSeconds === null) return { kind: 'pause', reason: `step ${r.step + 1} is a pause: resume the rollout to go on` };
  if (now - r.stepStartedAt < step.durationSeconds * 1000 || analysis.verdict !== 'HEALTHY') return { kind: 'wait' };
  return r.step + 1 < r.steps.length ? { kind: 'advance', to: r.step + 1 } : { kind: 'promote' };
}
