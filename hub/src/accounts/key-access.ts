/**
 * What an API key needs to reach one operation or route. Every GraphQL operation
 * (graphql/operation-access.ts) and every REST route an API key can reach (http/route-access.ts)
 * declares one of these; sessions pass every check here (their user's rights are checked by the
 * services, row by row).
 */
import { forbidden } from '../errors.js';
import { hasScope, type Principal } from './principal.js';
import { Scope } from './scopes.js';

/** Interactive sessions only: API keys are refused whatever their scopes (keys, organizations, logout). */
export const SESSION_ONLY = 'session';
/**
 * Any API key that holds at least one scope besides `inference` (who am I, public profiles).
 * A key that holds only `inference` reaches nothing outside serving's front doors.
 */
export const ANY_SCOPE = 'any';

/**
 * `inference` is declared by serving's front doors only: the TF Serving and KServe routes and the
 * `predict` mutation (route-access and operation-access tests check nothing else declares it).
 */
export type KeyAccess = Scope | typeof SESSION_ONLY | typeof ANY_SCOPE;

/** Throws FORBIDDEN naming what is missing when an API key may not reach something declared `access`. */
export function requireKeyAccess(principal: Principal, access: KeyAccess): void {
  if (principal.via !== 'apiKey') return;
  if (access === SESSION_ONLY) throw forbidden('This needs a signed-in session; API keys cannot do it');
  if (access === ANY_SCOPE) {
    if (principal.scopes === 'all' || [...principal.scopes].some((scope) => scope !== Scope.INFERENCE)) return;
    throw forbidden('This API key holds only the inference scope, which only serving routes accept');
  }
  if (!hasScope(principal, access)) throw forbidden(`This API key lacks the ${access} scope`);
}
