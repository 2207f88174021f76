/** GraphQL documents for the model catalog: search, a model with its versions, and what writers and admins change. */
import { document } from '../api/document';
import type {
  CreateModelMutation,
  CreateModelMutationVariables,
  DecideModelAccessRequestMutation,
  DecideModelAccessRequestMutationVariables,
  DeleteModelAliasMutation,
  DeleteModelAliasMutationVariables,
  DeleteModelMutation,
  DeleteModelMutationVariables,
  DeleteModelVersionMutation,
  DeleteModelVersionMutationVariables,
  DeprecateModelVersionMutation,
  DeprecateModelVersionMutationVariables,
  ForkModelMutation,
  ForkModelMutationVariables,
  ModelAccessRequestsQuery,
  ModelAccessRequestsQueryVariables,
  ModelCollaboratorsQuery,
  ModelCollaboratorsQueryVariables,
  ModelPermissionQuery,
  ModelPermissionQueryVariables,
  ModelQueryVariables,
  ModelSubscriptionQuery,
  ModelSubscriptionQueryVariables,
  ModelsQuery,
  ModelsQueryVariables,
  PublishModelVersionMutation,
  PublishModelVersionMutationVariables,
  RequestModelAccessMutation,
  RequestModelAccessMutationVariables,
  SetModelAliasMutation,
  SetModelAliasMutationVariables,
  SetModelCardMutation,
  SetModelCardMutationVariables,
  SetModelCollaboratorMutation,
  SetModelCollaboratorMutationVariables,
  StarModelMutation,
  StarModelMutationVariables,
  SubscribeMutation,
  SubscribeMutationVariables,
  UnpublishModelVersionMutation,
  UnpublishModelVersionMutationVariables,
  UpdateModelMutation,
  UpdateModelMutationVariables,
} from '../api/generated';
import { SUBSCRIPTION_FIELDS } from '../notifications/notification-operations';
import type { ModelDetail } from './types';

export { UNSUBSCRIBE } from '../notifications/notification-operations';

const MODEL_FIELDS = /* GraphQL */ `fragment ModelFields on Model {
  id owner name task framework tags license visibility description stars downloads createdAt updatedAt
}`;
const VERSION_FIELDS = /* GraphQL */ `fragment ModelVersionFields on ModelVersion {
  id number status card metrics publishedAt deprecationMessage createdAt
  files { path sha256 size }
  signature {
    inputs { name shape dtype } outputs { name shape dtype }
    features { name type preprocessing { kind mean std min max vocabulary } }
    labels
  }
  lineage { dataset { owner name number } parent { owner name number } trainingJobId sql spec hyperparameters declared }
}`;
const DETAIL_FIELDS = /* GraphQL */ `fragment ModelDetailFields on Model {
  ...ModelFields viewerHasStarred forks forkedFrom { owner name } versions { ...ModelVersionFields } aliases { alias number }
} ${MODEL_FIELDS} ${VERSION_FIELDS}`;

/** The catalog: full-text `search`, `filter` (task, tag, license, owner, framework) and `sort`. */
export const MODELS = document<ModelsQuery, ModelsQueryVariables>(
  /* GraphQL */ `query Models($first: Int, $after: String, $search: String, $filter: ModelFilter, $sort: ModelSort) {
  models(first: $first, after: $after, search: $search, filter: $filter, sort: $sort) {
    totalCount pageInfo { endCursor hasNextPage } edges { node { ...ModelFields latestVersion { number publishedAt } } }
  }
} ${MODEL_FIELDS}`,
);

export const MODEL = document<{ model: ModelDetail }, ModelQueryVariables>(
  /* GraphQL */ `query Model($owner: String!, $name: String!) {
  model(owner: $owner, name: $name) { ...ModelDetailFields }
} ${DETAIL_FIELDS}`,
);

/** Visible to those who may write to the model (FORBIDDEN to others). */
export const MODEL_PERMISSION = document<ModelPermissionQuery, ModelPermissionQueryVariables>(
  /* GraphQL */ `query ModelPermission($owner: String!, $name: String!) {
  model(owner: $owner, name: $name) { id viewerPermission }
}`,
);

export const MODEL_COLLABORATORS = document<ModelCollaboratorsQuery, ModelCollaboratorsQueryVariables>(
  /* GraphQL */ `query ModelCollaborators($owner: String!, $name: String!) {
  model(owner: $owner, name: $name) { id collaborators { user { id username displayName } role createdAt } }
}`,
);

/** Pending access requests: visible to the model's admins (FORBIDDEN to others). */
export const MODEL_ACCESS_REQUESTS = document<ModelAccessRequestsQuery, ModelAccessRequestsQueryVariables>(
  /* GraphQL */ `query ModelAccessRequests($owner: String!, $name: String!) {
  model(owner: $owner, name: $name) { id accessRequests { id message createdAt requester { id username displayName } } }
}`,
);

export const REQUEST_MODEL_ACCESS = document<RequestModelAccessMutation, RequestModelAccessMutationVariables>(
  /* GraphQL */ `mutation RequestModelAccess($owner: String!, $name: String!, $message: String) {
  requestModelAccess(owner: $owner, name: $name, message: $message)
}`,
);

export const DECIDE_MODEL_ACCESS_REQUEST = document<DecideModelAccessRequestMutation, DecideModelAccessRequestMutationVariables>(
  /* GraphQL */ `mutation DecideModelAccessRequest($id: ID!, $approve: Boolean!) {
  decideModelAccessRequest(id: $id, approve: $approve)
}`,
);

export const CREATE_MODEL = document<CreateModelMutation, CreateModelMutationVariables>(
  /* GraphQL */ `mutation CreateModel($input: CreateModelInput!) {
  createModel(input: $input) { ...ModelFields }
} ${MODEL_FIELDS}`,
);

export const UPDATE_MODEL = document<UpdateModelMutation, UpdateModelMutationVariables>(
  /* GraphQL */ `mutation UpdateModel($owner: String!, $name: String!, $input: UpdateModelInput!) {
  updateModel(owner: $owner, name: $name, input: $input) { ...ModelFields }
} ${MODEL_FIELDS}`,
);

export const STAR_MODEL = document<StarModelMutation, StarModelMutationVariables>(
  /* GraphQL */ `mutation StarModel($owner: String!, $name: String!, $starred: Boolean) {
  starModel(owner: $owner, name: $name, starred: $starred) { id stars viewerHasStarred }
}`,
);

export const FORK_MODEL = document<ForkModelMutation, ForkModelMutationVariables>(
  /* GraphQL */ `mutation ForkModel($owner: String!, $name: String!, $input: ForkModelInput) {
  forkModel(owner: $owner, name: $name, input: $input) { id owner name }
}`,
);

export const SET_MODEL_CARD = document<SetModelCardMutation, SetModelCardMutationVariables>(
  /* GraphQL */ `mutation SetModelCard($owner: String!, $name: String!, $number: Int!, $card: String!) {
  setModelCard(owner: $owner, name: $name, number: $number, card: $card) { id card }
}`,
);

export const PUBLISH_MODEL_VERSION = document<PublishModelVersionMutation, PublishModelVersionMutationVariables>(
  /* GraphQL */ `mutation PublishModelVersion($owner: String!, $name: String!, $number: Int!) {
  publishModelVersion(owner: $owner, name: $name, number: $number) { id status }
}`,
);

export const DEPRECATE_MODEL_VERSION = document<DeprecateModelVersionMutation, DeprecateModelVersionMutationVariables>(
  /* GraphQL */ `mutation DeprecateModelVersion($owner: String!, $name: String!, $number: Int!, $message: String!) {
  deprecateModelVersion(owner: $owner, name: $name, number: $number, message: $message) { id status }
}`,
);

export const UNPUBLISH_MODEL_VERSION = document<UnpublishModelVersionMutation, UnpublishModelVersionMutationVariables>(
  /* GraphQL */ `mutation UnpublishModelVersion($owner: String!, $name: String!, $number: Int!) {
  unpublishModelVersion(owner: $owner, name: $name, number: $number) { id status }
}`,
);

export const DELETE_MODEL_VERSION = document<DeleteModelVersionMutation, DeleteModelVersionMutationVariables>(
  /* GraphQL */ `mutation DeleteModelVersion($owner: String!, $name: String!, $number: Int!) {
  deleteModelVersion(owner: $owner, name: $name, number: $number)
}`,
);

export const SET_MODEL_ALIAS = document<SetModelAliasMutation, SetModelAliasMutationVariables>(
  /* GraphQL */ `mutation SetModelAlias($owner: String!, $name: String!, $alias: String!, $number: Int!) {
  setModelAlias(owner: $owner, name: $name, alias: $alias, number: $number) { id }
}`,
);

export const DELETE_MODEL_ALIAS = document<DeleteModelAliasMutation, DeleteModelAliasMutationVariables>(
  /* GraphQL */ `mutation DeleteModelAlias($owner: String!, $name: String!, $alias: String!) {
  deleteModelAlias(owner: $owner, name: $name, alias: $alias)
}`,
);

export const SET_MODEL_COLLABORATOR = document<SetModelCollaboratorMutation, SetModelCollaboratorMutationVariables>(
  /* GraphQL */ `mutation SetModelCollaborator($owner: String!, $name: String!, $username: String!, $role: ModelRole) {
  setModelCollaborator(owner: $owner, name: $name, username: $username, role: $role)
}`,
);

export const DELETE_MODEL = document<DeleteModelMutation, DeleteModelMutationVariables>(
  /* GraphQL */ `mutation DeleteModel($owner: String!, $name: String!) { deleteModel(owner: $owner, name: $name) }`,
);

/** The user's subscription to a model, or null. */
export const MODEL_SUBSCRIPTION = document<ModelSubscriptionQuery, ModelSubscriptionQueryVariables>(
  /* GraphQL */ `query ModelSubscription($owner: String!, $name: String!) {
  subscriptionTo(kind: MODEL, owner: $owner, name: $name) { ...SubscriptionFields }
} ${SUBSCRIPTION_FIELDS}`,
);

export const SUBSCRIBE = document<SubscribeMutation, SubscribeMutationVariables>(
  /* GraphQL */ `mutation Subscribe($input: SubscribeInput!) {
  subscribe(input: $input) { webhookSecret subscription { ...SubscriptionFields } }
} ${SUBSCRIPTION_FIELDS}`,
);
