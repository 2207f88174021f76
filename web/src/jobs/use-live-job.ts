/**
 * One job with its history, kept live through `jobUpdated(id)`. The subscription starts before
 * the query, so no change falls between them; whichever copy is newer (updatedAt) is kept.
 */
import { useCallback, useEffect, useState } from 'react';
import { JOB, JOB_DETAIL_UPDATED } from '../api/compute-operations';
import { request, subscribe } from '../api/graphql-client';
import { GraphQLRequestError } from '../api/graphql-request-error';
import type { JobDetail } from '../api/types';
import { isNewerJob } from './job-state';

export interface LiveJob {
  job: JobDetail | undefined;
  error: GraphQLRequestError | undefined;
  liveError: GraphQLRequestError | undefined;
  /** Takes a copy of the job from elsewhere (a mutation's answer), if it is not older. */
  accept(job: JobDetail): void;
}

export function useLiveJob(id: string): LiveJob {
  const [job, setJob] = useState<JobDetail>();
  const [error, setError] = useState<GraphQLRequestError>();
  const [liveError, setLiveError] = useState<GraphQLRequestError>();

  const accept = useCallback(
    (next: JobDetail) => setJob((known) => (known && known.id === next.id && isNewerJob(known, next) ? known : next)),
    [],
  );

  useEffect(() => {
    let current = true;
    setJob(undefined);
    setError(undefined);
    setLiveError(undefined);
    const stop = subscribe(JOB_DETAIL_UPDATED, { id }, {
      next: ({ jobUpdated }) => {
        if (!current) return;
        setLiveError(undefined);
        accept(jobUpdated);
      },
      error: (problem) => {
        if (current) setLiveError(problem);
      },
    });
    request(JOB, { id }).then(
      ({ job: loaded }) => {
        if (current) accept(loaded);
      },
      (problem: unknown) => {
        if (current) setError(GraphQLRequestError.from(problem));
      },
    );
    return () => {
      current = false;
      stop();
    };
  }, [id, accept]);

  return { job, error, liveError, accept };
}
