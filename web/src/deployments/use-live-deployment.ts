/**
 * One deployment kept live: `deploymentChanged` brings status and replica changes as they happen
 * (the subscription starts before the query, so no change falls between them; the newer copy by
 * updatedAt is kept), and its stats and replicas' load are re-read every STATS_MS, since traffic
 * alone announces nothing. The stored metrics series are read by useDeploymentMetrics.
 */
import { useCallback, useEffect, useState } from 'react';
import { request, subscribe } from '../api/graphql-client';
import { GraphQLRequestError } from '../api/graphql-request-error';
import { DEPLOYMENT, DEPLOYMENT_CHANGED, DEPLOYMENT_STATS } from './deployment-operations';
import type { DeploymentDetail } from './types';

export const STATS_MS = 3_000;

export interface LiveDeployment {
  deployment: DeploymentDetail | undefined;
  error: GraphQLRequestError | undefined;
  liveError: GraphQLRequestError | undefined;
  /** Takes a copy from elsewhere (a mutation's answer), if it is not older. */
  accept(deployment: DeploymentDetail): void;
}

export function useLiveDeployment(owner: string, name: string, statsMs = STATS_MS): LiveDeployment {
  const [deployment, setDeployment] = useState<DeploymentDetail>();
  const [error, setError] = useState<GraphQLRequestError>();
  const [liveError, setLiveError] = useState<GraphQLRequestError>();

  const accept = useCallback(
    (next: DeploymentDetail) =>
      setDeployment((known) => (known && known.id === next.id && Date.parse(known.updatedAt) > Date.parse(next.updatedAt) ? known : next)),
    [],
  );

  useEffect(() => {
    let current = true;
    setDeployment(undefined);
    setError(undefined);
    setLiveError(undefined);
    const stop = subscribe(DEPLOYMENT_CHANGED, { owner, name }, {
      next: ({ deploymentChanged }) => {
        if (!current) return;
        setLiveError(undefined);
        accept(deploymentChanged);
      },
      error: (problem) => {
        if (current) setLiveError(problem);
      },
    });
    request(DEPLOYMENT, { owner, name }).then(
      ({ deployment: loaded }) => {
        if (!current) return;
        accept(loaded);
      },
      (problem: unknown) => {
        if (current) setError(GraphQLRequestError.from(problem));
      },
    );
    const timer = setInterval(() => {
      request(DEPLOYMENT_STATS, { owner, name }).then(
        ({ deployment: read }) => {
          if (!current) return;
          // Stats and load change without an event; the rest of the copy stays as it was.
          setDeployment((known) => (known && known.id === read.id ? { ...known, stats: read.stats, replicas: read.replicas } : known));
        },
        () => {
          // A missed reading: the next one comes in STATS_MS.
        },
      );
    }, statsMs);
    return () => {
      current = false;
      stop();
      clearInterval(timer);
    };
  }, [owner, name, statsMs, accept]);

  return { deployment, error, liveError, accept };
}
