import type { Scope } from './scopes.js';
import type { User } from './user.entity.js';

/** Who is calling, and with what. Built once per request (or per graphql-ws connection). */
export interface Principal {
  user: User;
  via: 'session' | 'apiKey';
  /** Session id or API key id. */
  credentialId: string;
  /** A session carries every scope; an API key only those it was created with. */
  scopes: ReadonlySet<Scope> | 'all';
  /** An API key's own inference limits (serving's admission spends them); absent for a session. */
  keyLimits?: KeyLimits;
}

/** The inference limits an API key was created with; null: none of that kind. */
export interface KeyLimits {
  requestsPerSecond: number | null;
  dailyRequests: number | null;
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes === 'all' || principal.scopes.has(scope);
}
