/** GraphQL documents for the Account page: API keys, compute nodes, organizations, live events. */
const API_KEY_FIELDS = 'id name prefix scopes createdAt lastUsedAt expiresAt';
const NODE_FIELDS = 'id name prefix createdAt lastConnectedAt connected';
const ORG_FIELDS = 'id handle displayName description createdAt viewerRole';

/** Active keys only: a revoked key leaves the list. */
export const API_KEYS = `query ApiKeys { apiKeys(first: 100) { totalCount edges { node { ${API_KEY_FIELDS} } } } }`;

export const CREATE_API_KEY = `mutation CreateApiKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret apiKey { ${API_KEY_FIELDS} } }
}`;

export const REVOKE_API_KEY = `mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;

export const NODE_TOKENS = `query NodeTokens { nodeTokens(first: 100) { totalCount edges { node { ${NODE_FIELDS} } } } }`;

export const REGISTER_NODE = `mutation RegisterNode($input: RegisterNodeInput!) {
  registerNode(input: $input) { token nodeToken { ${NODE_FIELDS} } }
}`;

export const REVOKE_NODE_TOKEN = `mutation RevokeNodeToken($id: ID!) { revokeNodeToken(id: $id) { id revokedAt } }`;

export const MY_ORGANIZATIONS = `query MyOrganizations { myOrganizations(first: 100) { totalCount edges { node { ${ORG_FIELDS} } } } }`;

const STORAGE_FIELDS = 'storageUsage { datasets { usedBytes limitBytes } artifacts { usedBytes limitBytes } }';

export const STORAGE_USAGE = `query StorageUsage { me { username ${STORAGE_FIELDS} } myOrganizations(first: 20) { edges { node { handle ${STORAGE_FIELDS} } } } }`;

export const CREATE_ORGANIZATION = `mutation CreateOrganization($input: CreateOrganizationInput!) {
  createOrganization(input: $input) { ${ORG_FIELDS} }
}`;

export const ORGANIZATION = `query Organization($handle: String!) { organization(handle: $handle) { ${ORG_FIELDS} } }`;

/** Visible to members (FORBIDDEN to others). 50 a page keeps the query under the hub's cost limit. */
export const ORGANIZATION_MEMBERS = `query OrganizationMembers($handle: String!) {
  organization(handle: $handle) { id members(first: 50) { totalCount edges { node { role createdAt user { id username displayName } } } } }
}`;

export const ADD_ORGANIZATION_MEMBER = `mutation AddOrganizationMember($input: MemberInput!) { addOrganizationMember(input: $input) { role } }`;

export const SET_ORGANIZATION_MEMBER_ROLE = `mutation SetOrganizationMemberRole($input: MemberInput!) { setOrganizationMemberRole(input: $input) { role } }`;

export const REMOVE_ORGANIZATION_MEMBER = `mutation RemoveOrganizationMember($organization: String!, $username: String!) {
  removeOrganizationMember(organization: $organization, username: $username)
}`;

export const ACCOUNT_EVENTS = `subscription AccountEvents { accountEvents { kind message subjectId at } }`;
