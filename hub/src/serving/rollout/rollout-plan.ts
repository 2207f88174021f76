/**
 * A progressive rollout's plan: its steps (the canary's weight, and how long the step lasts at
 * least) and the analysis that guards it (docs/rollouts.md). What a rollout input may say, checked
 * once here, with the defaults filled in.
 */
import { checks } from '../../validation/checks.js';

export interface RolloutStep {
  /** Percent of requests the canary answers during the step (1–100; 100 is a full switch before promotion). */
  weight: number;
  /** Seconds the step lasts at least (0: as soon as the analysis passes); null: it holds until resumed. */
  durationSeconds: number | null;
}

export interface AnalysisSettings {
  /** The analysis reads the last this many seconds of the step (at most since the step began). */
  windowSeconds: number;
  /** Canary requests in the window before it is judged at all. */
  minRequests: number;
  /** The canary fails when its error rate is above the stable version's by more than this (a fraction: 0.05 is 5 points). */
  maxErrorRateIncrease: number;
  /** The canary fails when its p99 latency is above the stable version's times this … */
  maxP99Ratio: number;
  /** … and by more than this many milliseconds (a sub-slack difference is jitter, never a regression). */
  p99SlackMs: number;
}

export interface RolloutStepInput {
  weight: number;
  durationSeconds?: number | null;
  pause?: boolean | null;
}

export interface AnalysisInput {
  windowSeconds?: number | null;
  minRequests?: number | null;
  maxErrorRateIncrease?: number | null;
  maxP99Ratio?: number | null;
  p99SlackMs?: number | null;
}

export const MAX_STEPS = 20;
export const DEFAULT_ANALYSIS: AnalysisSettings = { windowSeconds: 60, minRequests: 20, maxErrorRateIncrease: 0.01, maxP99Ratio: 1.5, p99SlackMs: 20 };
/** The steps a rollout gets when none are given: 10 %, 25 %, 50 %, a minute each. */
export const DEFAULT_STEPS: RolloutStep[] = [10, 25, 50].map((weight) => ({ weight, durationSeconds: 60 }));

/** The steps and analysis of an input, checked (BAD_USER_INPUT naming each field at fault). */
export function rolloutPlan(steps: RolloutStepInput[] | null | undefined, analysis: AnalysisInput | null | undefined): { steps: RolloutStep[]; analysis: AnalysisSettings } {
  const c = checks();
  const given: RolloutStepInput[] = steps ?? DEFAULT_STEPS;
  if (given.length === 0 || given.length > MAX_STEPS) c.add('steps', `give 1 to ${MAX_STEPS} steps`);
  let previous = 0;
  const planned: RolloutStep[] = given.map((s, i) => {
    if (!Number.isInteger(s.weight) || s.weight < 1 || s.weight > 100) c.add(`steps[${i}].weight`, 'must be a whole number from 1 to 100');
    else if (s.weight < previous) c.add(`steps[${i}].weight`, `must be at least the weight of the step before (${previous})`);
    else previous = s.weight;
    const duration = s.durationSeconds ?? null;
    if (s.pause && duration !== null) c.add(`steps[${i}].durationSeconds`, 'a pause holds until resumed: give it no duration');
    if (!s.pause && duration === null) c.add(`steps[${i}].durationSeconds`, 'give the step a duration, or make it a pause');
    if (duration !== null && (!Number.isInteger(duration) || duration < 0 || duration > 7 * 86_400)) c.add(`steps[${i}].durationSeconds`, 'must be a whole number of seconds from 0 to 604800');
    return { weight: s.weight, durationSeconds: s.pause ? null : duration };
  });
  const a = { ...DEFAULT_ANALYSIS };
  const set = <K extends keyof AnalysisSettings>(key: K, ok: (v: number) => boolean, rule: string) => {
    const v = analysis?.[key];
    if (v == null) return;
    if (!Number.isFinite(v) || !ok(v)) c.add(`analysis.${key}`, rule);
    else a[key] = v;
  };
  set('windowSeconds', (v) => Number.isInteger(v) && v >= 10 && v <= 86_400, 'must be a whole number of seconds from 10 to 86400');
  set('minRequests', (v) => Number.isInteger(v) && v >= 1 && v <= 1_000_000, 'must be a whole number from 1 to 1000000');
  set('maxErrorRateIncrease', (v) => v >= 0 && v <= 1, 'must be a fraction from 0 to 1');
  set('maxP99Ratio', (v) => v >= 1 && v <= 100, 'must be from 1 to 100');
  set('p99SlackMs', (v) => v >= 0 && v <= 600_000, 'must be from 0 to 600000');
  c.throwIfAny();
  return { steps: planned, analysis: a };
}
