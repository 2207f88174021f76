/** GraphQL documents for a model's continuous training: the promotion rule, comparisons with production, production by hand, the timeline. */
import { document } from '../api/document';
import type {
  ModelPromotionQuery,
  ModelPromotionQueryVariables,
  PromoteVersionMutation,
  PromoteVersionMutationVariables,
  RollBackProductionMutation,
  RollBackProductionMutationVariables,
} from '../api/generated';

export const MODEL_PROMOTION = document<ModelPromotionQuery, ModelPromotionQueryVariables>(
  /* GraphQL */ `query ModelPromotion($owner: String!, $name: String!) {
  model(owner: $owner, name: $name) {
    id
    aliases { alias number }
    promotionRule { metric minImprovement tolerance lowerIsBetter custom }
    promotionComparisons(first: 10) {
      totalCount
      edges { node {
        id challengerVersion championVersion method status decides wins promoted reason createdAt finishedAt
        scores { metric words champion challenger lowerIsBetter }
      } }
    }
    timeline(first: 10) { totalCount edges { node { id kind version message createdAt } } }
  }
}`,
);

export const PROMOTE_VERSION = document<PromoteVersionMutation, PromoteVersionMutationVariables>(
  /* GraphQL */ `mutation PromoteVersion($owner: String!, $name: String!, $version: Int!) {
  promoteVersion(owner: $owner, name: $name, version: $version) { id number }
}`,
);

export const ROLL_BACK_PRODUCTION = document<RollBackProductionMutation, RollBackProductionMutationVariables>(
  /* GraphQL */ `mutation RollBackProduction($owner: String!, $name: String!) {
  rollBackProduction(owner: $owner, name: $name) { id number }
}`,
);
