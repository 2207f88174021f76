/** GraphQL documents for the Account page: API keys, compute nodes, organizations, live events. */
import { document } from './document';
import type {
  AccountEventsSubscription,
  AccountEventsSubscriptionVariables,
  AddOrganizationMemberMutation,
  AddOrganizationMemberMutationVariables,
  ApiKeysQuery,
  ApiKeysQueryVariables,
  CreateApiKeyMutation,
  CreateApiKeyMutationVariables,
  CreateOrganizationMutation,
  CreateOrganizationMutationVariables,
  MyOrganizationsQuery,
  MyOrganizationsQueryVariables,
  NodeTokensQuery,
  NodeTokensQueryVariables,
  OrganizationMembersQuery,
  OrganizationMembersQueryVariables,
  OrganizationQuery,
  OrganizationQueryVariables,
  RegisterNodeMutation,
  RegisterNodeMutationVariables,
  RemoveOrganizationMemberMutation,
  RemoveOrganizationMemberMutationVariables,
  RevokeApiKeyMutation,
  RevokeApiKeyMutationVariables,
  RevokeNodeTokenMutation,
  RevokeNodeTokenMutationVariables,
  SetOrganizationMemberRoleMutation,
  SetOrganizationMemberRoleMutationVariables,
  StorageUsageQuery,
  StorageUsageQueryVariables,
} from './generated';

const API_KEY_FIELDS = /* GraphQL */ `fragment ApiKeyFields on ApiKey { id name prefix scopes createdAt lastUsedAt expiresAt }`;
const NODE_TOKEN_FIELDS = /* GraphQL */ `fragment NodeTokenFields on NodeToken { id name prefix createdAt lastConnectedAt connected }`;
const ORGANIZATION_FIELDS = /* GraphQL */ `fragment OrganizationFields on Organization { id handle displayName description createdAt viewerRole }`;

/*
 * The lists of 100 name their fields rather than spread a fragment: the hub's cost limit
 * (graphql-armor) counts a spread as one more level of depth, which puts a page of 100 over it.
 */

/** Active keys only: a revoked key leaves the list. */
export const API_KEYS = document<ApiKeysQuery, ApiKeysQueryVariables>(
  /* GraphQL */ `query ApiKeys {
  apiKeys(first: 100) { totalCount edges { node { id name prefix scopes createdAt lastUsedAt expiresAt } } }
}`,
);

export const CREATE_API_KEY = document<CreateApiKeyMutation, CreateApiKeyMutationVariables>(
  /* GraphQL */ `mutation CreateApiKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret apiKey { ...ApiKeyFields } }
} ${API_KEY_FIELDS}`,
);

export const REVOKE_API_KEY = document<RevokeApiKeyMutation, RevokeApiKeyMutationVariables>(
  /* GraphQL */ `mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`,
);

export const NODE_TOKENS = document<NodeTokensQuery, NodeTokensQueryVariables>(
  /* GraphQL */ `query NodeTokens {
  nodeTokens(first: 100) { totalCount edges { node { id name prefix createdAt lastConnectedAt connected } } }
}`,
);

export const REGISTER_NODE = document<RegisterNodeMutation, RegisterNodeMutationVariables>(
  /* GraphQL */ `mutation RegisterNode($input: RegisterNodeInput!) {
  registerNode(input: $input) { token nodeToken { ...NodeTokenFields } }
} ${NODE_TOKEN_FIELDS}`,
);

export const REVOKE_NODE_TOKEN = document<RevokeNodeTokenMutation, RevokeNodeTokenMutationVariables>(
  /* GraphQL */ `mutation RevokeNodeToken($id: ID!) { revokeNodeToken(id: $id) { id revokedAt } }`,
);

export const MY_ORGANIZATIONS = document<MyOrganizationsQuery, MyOrganizationsQueryVariables>(
  /* GraphQL */ `query MyOrganizations {
  myOrganizations(first: 100) { totalCount edges { node { id handle displayName description createdAt viewerRole } } }
}`,
);

const STORAGE_USAGE_FIELDS = /* GraphQL */ `fragment StorageUsageFields on StorageUsage {
  datasets { usedBytes limitBytes } artifacts { usedBytes limitBytes }
}`;

export const STORAGE_USAGE = document<StorageUsageQuery, StorageUsageQueryVariables>(
  /* GraphQL */ `query StorageUsage {
  me { username storageUsage { ...StorageUsageFields } }
  myOrganizations(first: 20) { edges { node { handle storageUsage { ...StorageUsageFields } } } }
} ${STORAGE_USAGE_FIELDS}`,
);

export const CREATE_ORGANIZATION = document<CreateOrganizationMutation, CreateOrganizationMutationVariables>(
  /* GraphQL */ `mutation CreateOrganization($input: CreateOrganizationInput!) {
  createOrganization(input: $input) { ...OrganizationFields }
} ${ORGANIZATION_FIELDS}`,
);

export const ORGANIZATION = document<OrganizationQuery, OrganizationQueryVariables>(
  /* GraphQL */ `query Organization($handle: String!) {
  organization(handle: $handle) { ...OrganizationFields }
} ${ORGANIZATION_FIELDS}`,
);

/** Visible to members (FORBIDDEN to others). 50 a page keeps the query under the hub's cost limit. */
export const ORGANIZATION_MEMBERS = document<OrganizationMembersQuery, OrganizationMembersQueryVariables>(
  /* GraphQL */ `query OrganizationMembers($handle: String!) {
  organization(handle: $handle) { id members(first: 50) { totalCount edges { node { role createdAt user { id username displayName } } } } }
}`,
);

export const ADD_ORGANIZATION_MEMBER = document<AddOrganizationMemberMutation, AddOrganizationMemberMutationVariables>(
  /* GraphQL */ `mutation AddOrganizationMember($input: MemberInput!) { addOrganizationMember(input: $input) { role } }`,
);

export const SET_ORGANIZATION_MEMBER_ROLE = document<SetOrganizationMemberRoleMutation, SetOrganizationMemberRoleMutationVariables>(
  /* GraphQL */ `mutation SetOrganizationMemberRole($input: MemberInput!) {
  setOrganizationMemberRole(input: $input) { role }
}`,
);

export const REMOVE_ORGANIZATION_MEMBER = document<RemoveOrganizationMemberMutation, RemoveOrganizationMemberMutationVariables>(
  /* GraphQL */ `mutation RemoveOrganizationMember($organization: String!, $username: String!) {
  removeOrganizationMember(organization: $organization, username: $username)
}`,
);

export const ACCOUNT_EVENTS = document<AccountEventsSubscription, AccountEventsSubscriptionVariables>(
  /* GraphQL */ `subscription AccountEvents { accountEvents { kind message subjectId at } }`,
);
