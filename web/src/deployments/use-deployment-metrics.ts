/**
 * A deployment's stored metrics over the chosen range, kept live: the range is read at its step
 * (`Deployment.metrics`), and read again when a live 10 s point (`deploymentMetricsAdded`)
 * arrives and the last reading is older than half a step (at most REREAD_MS). The steps keep each
 * range near a hundred points: six charts of that many redraw quickly on a busy machine.
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
  { id: 'hour', label: 'Last hour', ms: 3_600_000, step: 30 },
  { id: 'day', label: 'Last day', ms: 86_400_000, step: 600 },
  { id: 'week', label: 'Last week', ms: 7 * 86_400_000, step: 7200 },
  { id: 'month', label: 'Last month', ms: 30 * 86_400_000, step: 43_200 },
];

const REREAD_MS = 30_000;

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
      next: () => {
        if (!current) return;
        if (Date.now() - readAt >= Math.min(REREAD_MS, (range.step * 1000) / 2)) read();
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
