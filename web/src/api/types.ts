/**
 * TypeScript shapes of the parts of schema/schema.graphql the portal selects. Dates arrive as
 * ISO strings (DateTimeISO).
 */

/** The Scope enum, in the order the portal offers them. */
export const SCOPES = ['MODELS_READ', 'MODELS_WRITE', 'DATASETS_READ', 'DATASETS_WRITE', 'INFERENCE', 'NODES_MANAGE'] as const;
export type Scope = (typeof SCOPES)[number];

export type AccountEventKind =
  | 'API_KEY_CREATED'
  | 'API_KEY_REVOKED'
  | 'NODE_REGISTERED'
  | 'NODE_TOKEN_REVOKED'
  | 'NODE_CONNECTED'
  | 'NODE_DISCONNECTED'
  | 'MEMBERSHIP_CHANGED';

export type OrgRole = 'OWNER' | 'ADMIN' | 'MEMBER';

export interface User {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  isAdmin: boolean;
}

export interface AuthPayload {
  token: string;
  expiresAt: string;
  user: User;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export interface NodeToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastConnectedAt: string | null;
  connected: boolean;
}

export interface Organization {
  id: string;
  handle: string;
  displayName: string;
  description: string;
  createdAt: string;
  viewerRole: OrgRole | null;
}

export interface AccountEvent {
  kind: AccountEventKind;
  message: string;
  subjectId: string;
  at: string;
}

export interface Connection<T> {
  totalCount: number;
  edges: { node: T }[];
}
