/** Continuous training on the model page: triggers, next run, runs; Run now, Pause, Resume (docs/retraining.md). */
import { document } from './document';
import type {
  ModelRetrainingQuery,
  ModelRetrainingQueryVariables,
  PauseRetrainingMutation,
  PauseRetrainingMutationVariables,
  ResumeRetrainingMutation,
  ResumeRetrainingMutationVariables,
  RunRetrainingNowMutation,
  RunRetrainingNowMutationVariables,
  SetRetrainingTriggersMutation,
  SetRetrainingTriggersMutationVariables,
} from './generated';

export const MODEL_RETRAINING = document<ModelRetrainingQuery, ModelRetrainingQueryVariables>(
  /* GraphQL */ `query ModelRetraining($owner: String!, $name: String!) {
  model(owner: $owner, name: $name) {
    id
    retraining {
      triggers { onNewData cron paused }
      nextRunAt
      watching { owner name seen }
      runs(first: 10) {
        edges { node { id trigger state detail scheduledFor dataVersions holdoutRows challengerVersion promoted reason error createdAt finishedAt durationMs } }
      }
    }
  }
}`,
);

export const RUN_RETRAINING_NOW = document<RunRetrainingNowMutation, RunRetrainingNowMutationVariables>(
  /* GraphQL */ `mutation RunRetrainingNow($owner: String!, $name: String!) {
  runRetrainingNow(owner: $owner, name: $name) { id state }
}`,
);

export const PAUSE_RETRAINING = document<PauseRetrainingMutation, PauseRetrainingMutationVariables>(
  /* GraphQL */ `mutation PauseRetraining($owner: String!, $name: String!) {
  pauseRetraining(owner: $owner, name: $name) { triggers { paused } }
}`,
);

export const RESUME_RETRAINING = document<ResumeRetrainingMutation, ResumeRetrainingMutationVariables>(
  /* GraphQL */ `mutation ResumeRetraining($owner: String!, $name: String!) {
  resumeRetraining(owner: $owner, name: $name) { triggers { paused } }
}`,
);

export const SET_RETRAINING_TRIGGERS = document<SetRetrainingTriggersMutation, SetRetrainingTriggersMutationVariables>(
  /* GraphQL */ `mutation SetRetrainingTriggers($owner: String!, $name: String!, $input: RetrainingTriggersInput!) {
  setRetrainingTriggers(owner: $owner, name: $name, input: $input) { triggers { onNewData cron paused } nextRunAt }
}`,
);
