/** Accounts (users, organizations, sessions, API keys, node tokens, scopes): what other domains may use. */
export { AccountEventKind, accountEvent } from './account-event.js';
export type { AccountsService } from './accounts.service.js';
export { Membership, OrgRole } from './membership.entity.js';
export { ApiKey } from './api-key.entity.js';
export { Session } from './session.entity.js';
export { NodeToken } from './node-token.entity.js';
export type { NodeTokensService } from './node-tokens.service.js';
export { Organization } from './organization.entity.js';
export type { OrganizationsService, Owner } from './organizations.service.js';
export { hasScope, type KeyLimits, type Principal } from './principal.js';
export { Scope } from './scopes.js';
export { hashToken, issueToken } from './tokens.js';
export { User } from './user.entity.js';
export { Visibility } from './visibility.js';
export { accountsModule, accountsResolvers, type AccountsServices } from './accounts.module.js';

import type { AccountsServices } from './accounts.module.js';
declare module '../module.js' {
  // Declaration merging: the services bag names this module's services (module.ts).
  interface Services extends AccountsServices {}
}
