/**
 * GraphQL documents of the traffic split editor and the rollout panel: set the variants and
 * stickiness, start, pause, resume and abort a progressive rollout. Each answers little: the page
 * hears the change through `deploymentChanged`.
 */
import { document } from '../api/document';
import type {
  AbortRolloutMutation,
  AbortRolloutMutationVariables,
  PauseRolloutMutation,
  PauseRolloutMutationVariables,
  ResumeRolloutMutation,
  ResumeRolloutMutationVariables,
  SetTrafficSplitMutation,
  SetTrafficSplitMutationVariables,
  StartRolloutMutation,
  StartRolloutMutationVariables,
} from '../api/generated';

export const SET_TRAFFIC_SPLIT = document<SetTrafficSplitMutation, SetTrafficSplitMutationVariables>(
  /* GraphQL */ `mutation SetTrafficSplit($owner: String!, $name: String!, $input: UpdateDeploymentInput!) {
  updateDeployment(owner: $owner, name: $name, input: $input) { id updatedAt variants { versionNumber weight shadow } stickiness }
}`,
);

export const START_ROLLOUT = document<StartRolloutMutation, StartRolloutMutationVariables>(
  /* GraphQL */ `mutation StartRollout($owner: String!, $name: String!, $input: StartRolloutInput!) {
  startRollout(owner: $owner, name: $name, input: $input) { id status }
}`,
);

export const PAUSE_ROLLOUT = document<PauseRolloutMutation, PauseRolloutMutationVariables>(
  /* GraphQL */ `mutation PauseRollout($owner: String!, $name: String!) { pauseRollout(owner: $owner, name: $name) { id status } }`,
);

export const RESUME_ROLLOUT = document<ResumeRolloutMutation, ResumeRolloutMutationVariables>(
  /* GraphQL */ `mutation ResumeRollout($owner: String!, $name: String!) { resumeRollout(owner: $owner, name: $name) { id status } }`,
);

export const ABORT_ROLLOUT = document<AbortRolloutMutation, AbortRolloutMutationVariables>(
  /* GraphQL */ `mutation AbortRollout($owner: String!, $name: String!, $reason: String) { abortRollout(owner: $owner, name: $name, reason: $reason) { id status } }`,
);
