/** Accounts (users, organizations, sessions, API keys, node tokens, who may do what): what other domains may use. */
export { allows, type AccessService, type OwnedResource, type Permission, type Visibility as VisibilityLevel } from './access.js';
export { AccountEventKind, accountEvent } from './account-event.js';
export type { AccountsService } from './accounts.service.js';
export { OrgRole } from './membership.entity.js';
export { NodeToken } from './node-token.entity.js';
export type { NodeTokensService } from './node-tokens.service.js';
export { Organization } from './organization.entity.js';
export type { OrganizationsService, Owner } from './organizations.service.js';
export { hasScope, type Principal } from './principal.js';
export { Scope } from './scopes.js';
export { hashToken, issueToken } from './tokens.js';
export { User } from './user.entity.js';
export { checks, type Checks } from './validation.js';
export { Visibility } from './visibility.js';
