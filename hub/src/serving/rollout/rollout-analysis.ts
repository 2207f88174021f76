/**
 * The canary analysis (Flagger's and Argo Rollouts' model): the canary's error rate and p99
 * latency against the stable version's over the same window. Judged only once the canary answered
 * `minRequests` requests in it; failing when its error rate exceeds the stable's by more than
 * `maxErrorRateIncrease`, or its p99 exceeds the stable's × `maxP99Ratio` by more than
 * `p99SlackMs`. Errors are the ones the service is to blame for: a caller's bad input, a refused
 * credential or a spent quota count against nobody.
 */
import { latencyQuantile } from '../quotas/histogram.js';
import type { AnalysisSettings } from './rollout-plan.js';

/** Error codes that are the caller's doing, never the version's. */
export const CALLER_ERRORS = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'RATE_LIMITED', 'PAYLOAD_TOO_LARGE']);

export interface VersionFigures {
  versionNumber: number;
  requests: number;
  /** Requests that failed through the service's fault. */
  errors: number;
  /** errors / requests; null without requests. */
  errorRate: number | null;
  p99Ms: number | null;
}

export type Verdict = 'HEALTHY' | 'FAILING' | 'INSUFFICIENT';

export interface Analysis {
  /** The window read, ms since the epoch. */
  from: number;
  to: number;
  stable: VersionFigures;
  canary: VersionFigures;
  verdict: Verdict;
  /** Why it is failing (or what it waits for), in words. */
  reasons: string[];
}

/** Figures of one version from its requests, error codes and latency histogram. */
export function figures(versionNumber: number, requests: number, errorCodes: Record<string, number>, latencyCounts: readonly number[]): VersionFigures {
  const errors = Object.entries(errorCodes).reduce((sum, [code, n]) => sum + (CALLER_ERRORS.has(code) ? 0 : n), 0);
  return { versionNumber, requests, errors, errorRate: requests > 0 ? errors / requests : null, p99Ms: latencyQuantile(latencyCounts, 0.99) };
}

export function judge(stable: VersionFigures, canary: VersionFigures, settings: AnalysisSettings, window: { from: number; to: number }): Analysis {
  const base = { ...window, stable, canary };
  if (canary.requests < settings.minRequests) {
    return { ...base, verdict: 'INSUFFICIENT', reasons: [`the canary answered ${canary.requests} of the ${settings.minRequests} requests it needs before it is judged`] };
  }
  const reasons: string[] = [];
  const canaryRate = canary.errorRate ?? 0;
  const stableRate = stable.errorRate ?? 0;
  if (canaryRate - stableRate > settings.maxErrorRateIncrease) {
    reasons.push(`error rate ${pct(canaryRate)} against the stable version's ${pct(stableRate)} (at most ${pct(settings.maxErrorRateIncrease)} more allowed)`);
  }
  if (canary.p99Ms !== null && stable.p99Ms !== null && canary.p99Ms > stable.p99Ms * settings.maxP99Ratio && canary.p99Ms - stable.p99Ms > settings.p99SlackMs) {
    reasons.push(`p99 latency ${ms(canary.p99Ms)} against the stable version's ${ms(stable.p99Ms)} (at most ${settings.maxP99Ratio}× allowed)`);
  }
  return { ...base, verdict: reasons.length > 0 ? 'FAILING' : 'HEALTHY', reasons };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const ms = (x: number) => `${Math.round(x)} ms`;
