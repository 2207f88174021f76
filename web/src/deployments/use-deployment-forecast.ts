/**
 * The predictive planner's forecast of a deployment's request rate over the chosen range and a
 * quarter of it ahead (`Deployment.forecast`), with its error over the slots that ended. Read when
 * the range changes and every FORECAST_REREAD_MS (the planner writes every few minutes). A
 * deployment the planner never forecast has no points, and the chart draws no forecast.
 */
import { useEffect, useState } from 'react';
import { request } from '../api/graphql-client';
import type { DeploymentForecastQuery } from '../api/generated';
import { DEPLOYMENT_FORECAST } from './metrics-operations';
import type { MetricsRange } from './use-deployment-metrics';

export type DeploymentForecast = DeploymentForecastQuery['deployment']['forecast'];

const FORECAST_REREAD_MS = 60_000;
/** The reader's limit on slots per answer (hub/src/serving/autoscale/forecast-reader.ts). */
const MAX_SLOTS = 1000;

export function useDeploymentForecast(owner: string, name: string, range: MetricsRange): DeploymentForecast | undefined {
  const [forecast, setForecast] = useState<DeploymentForecast>();
  useEffect(() => {
    let current = true;
    const read = () => {
      const now = Date.now();
      const from = now - range.ms;
      // The forecast slots are minutes long: a month's range is read in its last part the reader allows.
      const to = now + range.ms / 4;
      const earliest = to - MAX_SLOTS * 15 * 60_000 + 60_000;
      request(DEPLOYMENT_FORECAST, { owner, name, from: new Date(Math.max(from, earliest)).toISOString(), to: new Date(to).toISOString() }).then(
        ({ deployment }) => {
          if (current) setForecast(deployment.forecast);
        },
        // The forecast is an extra line: without it the traffic charts still stand.
        () => {
          if (current) setForecast(undefined);
        },
      );
    };
    read();
    const timer = setInterval(read, FORECAST_REREAD_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [owner, name, range]);
  return forecast;
}
