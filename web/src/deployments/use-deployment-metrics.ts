/**
 * A deployment's stored metrics over the chosen range, kept live: the range is read at its step
 * (`Deployment.metrics`), and each completed 10 s point from `deploymentMetricsAdded` is added to
 * the last-hour view as it comes (the oldest dropping off); the coarser views are read again when
 * a live point arrives and their last reading is older than REREAD_MS.
 */
import { useEffect, useState } from 'react';
import { request, subscribe } from '../api/graphql-client';
import { GraphQLRequestError } from '../api/graphql-request-error';
import type { MetricsPointFieldsFragment } from '../api/generated';
import { DEPLOYMENT_METRICS, DEPLOYMENT_METRICS_ADDED } from './metrics-operations';

export type MetricsPoint = MetricsPointFieldsFragment;

export interface MetricsRange {
  id: 'hour' | 'day' | 'week' | 'month';
  label: string;
  ms: number;
  /** Seconds per point. */
  step: number;
}

export const METRICS_RANGES: readonly MetricsRange[] = [
  { id: 'hour', label: 'Last hour', ms: 3_600_000, step: 10 },
  { id: 'day', label: 'Last day', ms: 86_400_000, step: 300 },
  { id: 'week', label: 'Last week', ms: 7 * 86_400_000, step: 3600 },
  { id: 'month', label: 'Last month', ms: 30 * 86_400_000, step: 21_600 },
];

const REREAD_MS = 30_000;

/** Adds a live point to a 10 s series: replaces the point of its start, or appends it; drops what fell out of the window. */
export function mergePoint(points: readonly MetricsPoint[], point: MetricsPoint, windowMs: number, now: number): MetricsPoint[] {
  const at = Date.parse(point.start);
  const kept = points.filter((p) => Date.parse(p.start) !== at && Date.parse(p.start) > now - windowMs);
  return [...kept, point].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

export function useDeploymentMetrics(owner: string, name: string, range: MetricsRange) {
  const [points, setPoints] = useState<MetricsPoint[]>([]);
  const [error, setError] = useState<GraphQLRequestError>();
  /** The range the points are of (the previous range's stay drawn until the new one is read). */
  const [loadedRange, setLoadedRange] = useState<string>();

  useEffect(() => {
    let current = true;
    let readAt = 0;
    setError(undefined);
    const read = () => {
      readAt = Date.now();
      const to = Date.now();
      request(DEPLOYMENT_METRICS, { owner, name, from: new Date(to - range.ms).toISOString(), to: new Date(to).toISOString(), step: range.step }).then(
        ({ deployment }) => {
          if (!current) return;
          setPoints(deployment.metrics.points);
          setLoadedRange(`${owner}/${name}:${range.id}`);
        },
        (problem: unknown) => {
          if (current) setError(GraphQLRequestError.from(problem));
        },
      );
    };
    read();
    const stop = subscribe(DEPLOYMENT_METRICS_ADDED, { owner, name }, {
      next: ({ deploymentMetricsAdded }) => {
        if (!current) return;
        if (range.step === 10) setPoints((known) => mergePoint(known, deploymentMetricsAdded, range.ms, Date.now()));
        else if (Date.now() - readAt > REREAD_MS) read();
      },
      error: (problem) => {
        if (current) setError(problem);
      },
    });
    return () => {
      current = false;
      stop();
    };
  }, [owner, name, range]);

  return { points, error, loaded: loadedRange === `${owner}/${name}:${range.id}` };
}
