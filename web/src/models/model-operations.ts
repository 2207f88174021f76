/** GraphQL documents for the model catalog: search, a model with its versions, and what writers and admins change. */
const PAGE_INFO = 'pageInfo { endCursor hasNextPage }';
const MODEL_FIELDS = 'id owner name task framework tags license visibility description stars downloads createdAt updatedAt';
const VERSION_FIELDS = `id number status card metrics publishedAt deprecationMessage createdAt
  files { path sha256 size }
  signature {
    inputs { name shape dtype } outputs { name shape dtype }
    features { name type preprocessing { kind mean std min max vocabulary } }
    labels
  }
  lineage { dataset { owner name number } parent { owner name number } trainingJobId sql spec hyperparameters declared }`;
const DETAIL_FIELDS = `${MODEL_FIELDS} viewerHasStarred forks forkedFrom { owner name } versions { ${VERSION_FIELDS} } aliases { alias number }`;

/** The catalog: full-text `search`, `filter` (task, tag, license, owner, framework) and `sort`. */
export const MODELS = `query Models($first: Int, $after: String, $search: String, $filter: ModelFilter, $sort: ModelSort) {
  models(first: $first, after: $after, search: $search, filter: $filter, sort: $sort) {
    totalCount ${PAGE_INFO} edges { node { ${MODEL_FIELDS} latestVersion { number publishedAt } } }
  }
}`;

export const MODEL = `query Model($owner: String!, $name: String!) { model(owner: $owner, name: $name) { ${DETAIL_FIELDS} } }`;

/** Visible to those who may write to the model (FORBIDDEN to others). */
export const MODEL_PERMISSION = `query ModelPermission($owner: String!, $name: String!) { model(owner: $owner, name: $name) { id viewerPermission } }`;

export const MODEL_COLLABORATORS = `query ModelCollaborators($owner: String!, $name: String!) {
  model(owner: $owner, name: $name) { id collaborators { user { id username displayName } role createdAt } }
}`;

/** Pending access requests: visible to the model's admins (FORBIDDEN to others). */
export const MODEL_ACCESS_REQUESTS = `query ModelAccessRequests($owner: String!, $name: String!) {
  model(owner: $owner, name: $name) { id accessRequests { id message createdAt requester { id username displayName } } }
}`;

export const REQUEST_MODEL_ACCESS = `mutation RequestModelAccess($owner: String!, $name: String!, $message: String) {
  requestModelAccess(owner: $owner, name: $name, message: $message)
}`;

export const DECIDE_MODEL_ACCESS_REQUEST = `mutation DecideModelAccessRequest($id: ID!, $approve: Boolean!) {
  decideModelAccessRequest(id: $id, approve: $approve)
}`;

export const CREATE_MODEL = `mutation CreateModel($input: CreateModelInput!) { createModel(input: $input) { ${MODEL_FIELDS} } }`;

export const UPDATE_MODEL = `mutation UpdateModel($owner: String!, $name: String!, $input: UpdateModelInput!) {
  updateModel(owner: $owner, name: $name, input: $input) { ${MODEL_FIELDS} }
}`;

export const STAR_MODEL = `mutation StarModel($owner: String!, $name: String!, $starred: Boolean) {
  starModel(owner: $owner, name: $name, starred: $starred) { id stars viewerHasStarred }
}`;

export const FORK_MODEL = `mutation ForkModel($owner: String!, $name: String!, $input: ForkModelInput) {
  forkModel(owner: $owner, name: $name, input: $input) { id owner name }
}`;

export const SET_MODEL_CARD = `mutation SetModelCard($owner: String!, $name: String!, $number: Int!, $card: String!) {
  setModelCard(owner: $owner, name: $name, number: $number, card: $card) { id card }
}`;

export const PUBLISH_MODEL_VERSION = `mutation PublishModelVersion($owner: String!, $name: String!, $number: Int!) {
  publishModelVersion(owner: $owner, name: $name, number: $number) { id status }
}`;

export const DEPRECATE_MODEL_VERSION = `mutation DeprecateModelVersion($owner: String!, $name: String!, $number: Int!, $message: String!) {
  deprecateModelVersion(owner: $owner, name: $name, number: $number, message: $message) { id status }
}`;

export const UNPUBLISH_MODEL_VERSION = `mutation UnpublishModelVersion($owner: String!, $name: String!, $number: Int!) {
  unpublishModelVersion(owner: $owner, name: $name, number: $number) { id status }
}`;

export const DELETE_MODEL_VERSION = `mutation DeleteModelVersion($owner: String!, $name: String!, $number: Int!) {
  deleteModelVersion(owner: $owner, name: $name, number: $number)
}`;

export const SET_MODEL_ALIAS = `mutation SetModelAlias($owner: String!, $name: String!, $alias: String!, $number: Int!) {
  setModelAlias(owner: $owner, name: $name, alias: $alias, number: $number) { id }
}`;

export const DELETE_MODEL_ALIAS = `mutation DeleteModelAlias($owner: String!, $name: String!, $alias: String!) {
  deleteModelAlias(owner: $owner, name: $name, alias: $alias)
}`;

export const SET_MODEL_COLLABORATOR = `mutation SetModelCollaborator($owner: String!, $name: String!, $username: String!, $role: ModelRole) {
  setModelCollaborator(owner: $owner, name: $name, username: $username, role: $role)
}`;

export const DELETE_MODEL = `mutation DeleteModel($owner: String!, $name: String!) { deleteModel(owner: $owner, name: $name) }`;

const SUBSCRIPTION_FIELDS = 'id webhookUrl plan { name dailyRequestQuota } createdAt';

/** The user's subscription to a model, or null. */
export const MODEL_SUBSCRIPTION = `query ModelSubscription($owner: String!, $name: String!) {
  subscriptionTo(kind: MODEL, owner: $owner, name: $name) { ${SUBSCRIPTION_FIELDS} }
}`;

export const SUBSCRIBE = `mutation Subscribe($input: SubscribeInput!) { subscribe(input: $input) { webhookSecret subscription { ${SUBSCRIPTION_FIELDS} } } }`;

export const UNSUBSCRIBE = `mutation Unsubscribe($id: ID!) { unsubscribe(id: $id) }`;
