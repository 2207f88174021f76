/**
 * The autoscaling settings of a deployment, checked (BAD_USER_INPUT naming each field), with their
 * defaults: Knative's stable window (60 s) and panic window (6 s); a scale-down delay of 30 s; a
 * target of 4 in-flight requests per replica (a replica batches: a few requests in flight keep its
 * batches full without queuing long); the predictive planner on (docs/autoscaling.md).
 */
import type { Checks } from '../../validation/checks.js';
import type { AutoscalingSettings } from './kpa.js';

export const AUTOSCALING_DEFAULTS = { targetConcurrency: 4, stableWindowSeconds: 60, panicWindowSeconds: 6, scaleDownDelaySeconds: 30 } as const;

export interface AutoscalingInput {
  targetConcurrency?: number | null;
  stableWindowSeconds?: number | null;
  panicWindowSeconds?: number | null;
  scaleDownDelaySeconds?: number | null;
  scaleToZeroAfterSeconds?: number | null;
  predictive?: boolean | null;
}

const whole = (n: number, lo: number, hi: number) => Number.isInteger(n) && n >= lo && n <= hi;

/**
 * The settings `input` asks for, over `current` (an update changes only the fields it names);
 * undefined when something is wrong (the checks say what). `minReplicas` is the deployment's:
 * scaling to zero needs it at 0, and 0 with autoscaling needs a scale-to-zero period.
 */
export function autoscalingSettings(c: Checks, input: AutoscalingInput, current: AutoscalingSettings | null, minReplicas: number): AutoscalingSettings | undefined {
  const base: AutoscalingSettings = current ?? { ...AUTOSCALING_DEFAULTS, scaleToZeroAfterSeconds: null };
  const s: AutoscalingSettings = {
    targetConcurrency: input.targetConcurrency ?? base.targetConcurrency,
    stableWindowSeconds: input.stableWindowSeconds ?? base.stableWindowSeconds,
    panicWindowSeconds: input.panicWindowSeconds ?? (input.stableWindowSeconds != null ? Math.min(base.panicWindowSeconds, input.stableWindowSeconds) : base.panicWindowSeconds),
    scaleDownDelaySeconds: input.scaleDownDelaySeconds ?? base.scaleDownDelaySeconds,
    scaleToZeroAfterSeconds: input.scaleToZeroAfterSeconds !== undefined ? input.scaleToZeroAfterSeconds : base.scaleToZeroAfterSeconds,
    predictive: input.predictive ?? base.predictive ?? true,
  };
  let ok = true;
  const bad = (field: string, message: string) => {
    c.add(`autoscaling.${field}`, message);
    ok = false;
  };
  if (!Number.isFinite(s.targetConcurrency) || s.targetConcurrency <= 0 || s.targetConcurrency > 1000) bad('targetConcurrency', 'must be more than 0 and at most 1000');
  if (!whole(s.stableWindowSeconds, 1, 3600)) bad('stableWindowSeconds', 'must be a whole number of seconds from 1 to 3600');
  if (!whole(s.panicWindowSeconds, 1, 3600)) bad('panicWindowSeconds', 'must be a whole number of seconds from 1 to 3600');
  else if (whole(s.stableWindowSeconds, 1, 3600) && s.panicWindowSeconds > s.stableWindowSeconds) bad('panicWindowSeconds', `must be at most the stable window (${s.stableWindowSeconds} s)`);
  if (!whole(s.scaleDownDelaySeconds, 0, 3600)) bad('scaleDownDelaySeconds', 'must be a whole number of seconds from 0 to 3600');
  if (s.scaleToZeroAfterSeconds !== null) {
    if (!whole(s.scaleToZeroAfterSeconds, 1, 86400)) bad('scaleToZeroAfterSeconds', 'must be a whole number of seconds from 1 to 86400');
    else if (minReplicas > 0) bad('scaleToZeroAfterSeconds', `scaling to zero needs minReplicas 0 (it is ${minReplicas})`);
  } else if (minReplicas === 0) {
    bad('scaleToZeroAfterSeconds', 'give the idle period after which it scales to zero: with autoscaling, minReplicas 0 means scale to zero');
  }
  return ok ? s : undefined;
}
