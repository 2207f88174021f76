/**
 * The charts' short memory: each stats reading as a sample stamped with the time it arrived,
 * keeping those of the last WINDOW_MS (the hub's stats cover only the last minute, so the page
 * remembers a few minutes itself while it is open).
 */
import { useCallback, useState } from 'react';
import type { DeploymentStats } from './types';

export const WINDOW_MS = 5 * 60_000;

export interface Sample {
  /** ms since the epoch */
  at: number;
  requestsPerSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  errorRate: number;
}

export function appendSample(samples: readonly Sample[], stats: Omit<Sample, 'at'>, at: number, windowMs = WINDOW_MS): Sample[] {
  const sample: Sample = { at, requestsPerSecond: stats.requestsPerSecond, p50Ms: stats.p50Ms, p99Ms: stats.p99Ms, errorRate: stats.errorRate };
  return [...samples.filter((s) => s.at > at - windowMs), sample];
}

export function useSamples(now: () => number = Date.now) {
  const [samples, setSamples] = useState<Sample[]>([]);
  const add = useCallback((stats: DeploymentStats) => setSamples((list) => appendSample(list, stats, now())), [now]);
  const clear = useCallback(() => setSamples([]), []);
  return { samples, add, clear };
}
