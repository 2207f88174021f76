/**
 * The rollout's rules without a hub: the plan's checks and defaults, the canary analysis against
 * the stable version, and the next move on a clock the test sets (durations, pauses, promotion,
 * rollback while paused).
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { LATENCY_BUCKETS, latencyBucket } from '../quotas/histogram.js';
import { nextMove, type RolloutPosition } from '../rollout/next-move.js';
import { figures, judge, type Analysis } from '../rollout/rollout-analysis.js';
import { DEFAULT_ANALYSIS, DEFAULT_STEPS, rolloutPlan } from '../rollout/rollout-plan.js';

const T0 = Date.parse('2026-12-01T10:00:00Z');
/** A latency histogram of `n` samples all in the bucket that holds `ms`. */
const latency = (ms: number, n: number) => {
  const counts = new Array<number>(LATENCY_BUCKETS).fill(0);
  counts[latencyBucket(ms)] = n;
  return counts;
};
const healthy = (requests = 100): Analysis =>
  judge(figures(1, 1000, { INTERNAL: 2 }, latency(10, 1000)), figures(2, requests, { INTERNAL: 0 }, latency(10, requests)), DEFAULT_ANALYSIS, { from: T0, to: T0 });

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return ((error as AppError).fields ?? []).map((f) => f.field);
  }
  throw new Error('no error');
}

describe('rollout plan', () => {
  it('fills the defaults and refuses bad steps and thresholds naming the field', () => {
    expect(rolloutPlan(null, null)).toEqual({ steps: DEFAULT_STEPS, analysis: DEFAULT_ANALYSIS });
    expect(rolloutPlan([{ weight: 20, durationSeconds: 0 }, { weight: 50, pause: true }], { minRequests: 5 })).toEqual({
      steps: [{ weight: 20, durationSeconds: 0 }, { weight: 50, durationSeconds: null }],
      analysis: { ...DEFAULT_ANALYSIS, minRequests: 5 },
    });
    expect(fieldsOf(() => rolloutPlan([], null))).toEqual(['steps']);
    expect(fieldsOf(() => rolloutPlan([{ weight: 50, durationSeconds: 1 }, { weight: 20, durationSeconds: 1 }], null))).toEqual(['steps[1].weight']);
    expect(fieldsOf(() => rolloutPlan([{ weight: 0, durationSeconds: 1 }], null))).toEqual(['steps[0].weight']);
    expect(fieldsOf(() => rolloutPlan([{ weight: 10 }], null))).toEqual(['steps[0].durationSeconds']);
    expect(fieldsOf(() => rolloutPlan([{ weight: 10, durationSeconds: 5, pause: true }], null))).toEqual(['steps[0].durationSeconds']);
    expect(fieldsOf(() => rolloutPlan(null, { windowSeconds: 5, maxErrorRateIncrease: 2, maxP99Ratio: 0.5 }))).toEqual([
      'analysis.windowSeconds',
      'analysis.maxErrorRateIncrease',
      'analysis.maxP99Ratio',
    ]);
  });
});

describe('canary analysis', () => {
  it('waits for the minimum of canary requests before judging', () => {
    const a = judge(figures(1, 100, {}, latency(10, 100)), figures(2, 19, { INTERNAL: 19 }, latency(10, 19)), DEFAULT_ANALYSIS, { from: T0, to: T0 });
    expect(a.verdict).toBe('INSUFFICIENT');
  });

  it('fails a canary whose error rate exceeds the stable one by more than allowed, counting only the service’s errors', () => {
    const stable = figures(1, 1000, { INTERNAL: 10 }, latency(10, 1000));
    expect(judge(stable, figures(2, 100, { INTERNAL: 1, BAD_USER_INPUT: 50 }, latency(10, 100)), DEFAULT_ANALYSIS, { from: T0, to: T0 }).verdict).toBe('HEALTHY');
    const failing = judge(stable, figures(2, 100, { INTERNAL: 3 }, latency(10, 100)), DEFAULT_ANALYSIS, { from: T0, to: T0 });
    expect(failing.verdict).toBe('FAILING');
    expect(failing.reasons[0]).toMatch(/error rate 3\.0 % against the stable version's 1\.0 %/);
  });

  it('fails a canary whose p99 is beyond the ratio and the slack, and only then', () => {
    const stable = figures(1, 1000, {}, latency(100, 1000));
    expect(judge(stable, figures(2, 100, {}, latency(1000, 100)), DEFAULT_ANALYSIS, { from: T0, to: T0 }).verdict).toBe('FAILING');
    expect(judge(stable, figures(2, 100, {}, latency(100, 100)), DEFAULT_ANALYSIS, { from: T0, to: T0 }).verdict).toBe('HEALTHY');
    const fast = figures(1, 1000, {}, latency(1, 1000));
    // 2 ms against 1 ms is twice as slow, yet within the 20 ms slack.
    expect(judge(fast, figures(2, 100, {}, latency(2, 100)), DEFAULT_ANALYSIS, { from: T0, to: T0 }).verdict).toBe('HEALTHY');
  });
});

describe('next move on a clock', () => {
  const at = (position: Partial<RolloutPosition>): RolloutPosition => ({
    status: 'running',
    steps: [{ weight: 10, durationSeconds: 60 }, { weight: 50, durationSeconds: null }, { weight: 80, durationSeconds: 30 }],
    step: 0,
    stepStartedAt: T0,
    ...position,
  });

  it('holds a step for its duration, then advances while healthy, and promotes after the last', () => {
    expect(nextMove(at({}), T0 + 59_999, healthy())).toEqual({ kind: 'wait' });
    expect(nextMove(at({}), T0 + 60_000, healthy())).toEqual({ kind: 'advance', to: 1 });
    expect(nextMove(at({}), T0 + 600_000, healthy(3))).toEqual({ kind: 'wait' });
    expect(nextMove(at({ step: 2 }), T0 + 30_000, healthy())).toEqual({ kind: 'promote' });
  });

  it('pauses at a pause step and waits there until resumed', () => {
    expect(nextMove(at({ step: 1 }), T0 + 1e9, healthy()).kind).toBe('pause');
    expect(nextMove(at({ step: 1, status: 'paused' }), T0 + 1e9, healthy())).toEqual({ kind: 'wait' });
  });

  it('rolls back a failing canary at once, running or paused, and never moves an ended rollout', () => {
    const failing = judge(figures(1, 100, {}, latency(10, 100)), figures(2, 50, { INTERNAL: 50 }, latency(10, 50)), DEFAULT_ANALYSIS, { from: T0, to: T0 });
    expect(nextMove(at({}), T0 + 1, failing)).toMatchObject({ kind: 'rollback', reason: expect.stringMatching(/version 2\) failed its analysis: error rate 100\.0 %/) });
    expect(nextMove(at({ status: 'paused', step: 1 }), T0 + 1, failing).kind).toBe('rollback');
    expect(nextMove(at({ status: 'rolled_back' }), T0 + 1, failing)).toEqual({ kind: 'wait' });
    expect(nextMove(at({ status: 'promoted' }), T0 + 1e9, healthy())).toEqual({ kind: 'wait' });
  });
});
