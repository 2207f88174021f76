/** GraphQL document for a deployment's timeline (its events, shown to those who may change it). */
import { document } from '../api/document';
import type { DeploymentTimelineQuery, DeploymentTimelineQueryVariables } from '../api/generated';

export const DEPLOYMENT_TIMELINE = document<DeploymentTimelineQuery, DeploymentTimelineQueryVariables>(
  /* GraphQL */ `query DeploymentTimeline($owner: String!, $name: String!, $first: Int) {
  deployment(owner: $owner, name: $name) {
    id
    timeline(first: $first) { totalCount edges { node { id kind message createdAt } } }
  }
}`,
);
