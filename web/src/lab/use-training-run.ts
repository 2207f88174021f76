/**
 * A training run followed live: its epochs from `trainingEpochAdded(jobId)` (every epoch) and its
 * job's status from `jobUpdated(id)`. Both subscriptions start before the query, so nothing falls
 * between them; an epoch heard twice (the query and the socket) is kept once, the later attempt's.
 * Once the job has succeeded the run is read again for the version it made.
 */
import { useEffect, useState } from 'react';
import { request, subscribe } from '../api/graphql-client';
import { GraphQLRequestError } from '../api/graphql-request-error';
import { TRAINING_EPOCH_ADDED, TRAINING_JOB_UPDATED, TRAINING_RUN } from './lab-operations';
import type { TrainingEpoch, TrainingJob, TrainingRun } from './types';

export interface LiveTraining {
  run: TrainingRun | undefined;
  epochs: TrainingEpoch[];
  job: TrainingJob | undefined;
  error: GraphQLRequestError | undefined;
  liveError: GraphQLRequestError | undefined;
}

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELED']);

export function useTrainingRun(jobId: string): LiveTraining {
  const [run, setRun] = useState<TrainingRun>();
  const [epochs, setEpochs] = useState<TrainingEpoch[]>([]);
  const [job, setJob] = useState<TrainingJob>();
  const [error, setError] = useState<GraphQLRequestError>();
  const [liveError, setLiveError] = useState<GraphQLRequestError>();

  useEffect(() => {
    let current = true;
    setRun(undefined);
    setEpochs([]);
    setJob(undefined);
    setError(undefined);
    setLiveError(undefined);
    const keepJob = (next: TrainingJob) => setJob((known) => (known && known.updatedAt > next.updatedAt ? known : next));
    const onLiveError = (problem: GraphQLRequestError) => {
      if (current) setLiveError(problem);
    };
    const stopEpochs = subscribe(TRAINING_EPOCH_ADDED, { jobId }, {
      next: ({ trainingEpochAdded }) => {
        if (current) setEpochs((known) => mergeEpochs(known, [trainingEpochAdded]));
      },
      error: onLiveError,
    });
    const stopJob = subscribe(TRAINING_JOB_UPDATED, { id: jobId }, {
      next: ({ jobUpdated }) => {
        if (current) keepJob(jobUpdated);
      },
      error: onLiveError,
    });
    request(TRAINING_RUN, { jobId }).then(
      ({ trainingRun }) => {
        if (!current) return;
        setRun(trainingRun);
        setEpochs((known) => mergeEpochs(known, trainingRun.epochs));
        keepJob(trainingRun.job);
      },
      (problem: unknown) => {
        if (current) setError(GraphQLRequestError.from(problem));
      },
    );
    return () => {
      current = false;
      stopEpochs();
      stopJob();
    };
  }, [jobId]);

  // The version is made when the job succeeds: read the run again for its number and final epochs.
  const finished = job !== undefined && FINISHED.has(job.status);
  useEffect(() => {
    if (!finished) return;
    let current = true;
    request(TRAINING_RUN, { jobId }).then(
      ({ trainingRun }) => {
        if (!current) return;
        setRun(trainingRun);
        setEpochs((known) => mergeEpochs(known, trainingRun.epochs));
      },
      () => {
        // The live copy stays; the link falls back on the job's result.
      },
    );
    return () => {
      current = false;
    };
  }, [finished, jobId]);

  return { run, epochs, job, error, liveError };
}

/** One entry an epoch, the latest attempt's (an epoch redone after a resume replaces the old one), in order. */
function mergeEpochs(known: TrainingEpoch[], added: TrainingEpoch[]): TrainingEpoch[] {
  const byEpoch = new Map(known.map((e) => [e.epoch, e]));
  for (const e of added) {
    const old = byEpoch.get(e.epoch);
    if (!old || old.attempt <= e.attempt) byEpoch.set(e.epoch, e);
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}
