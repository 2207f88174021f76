/**
 * `@Authorized(...)` for every operation. Roles are strings:
 * - no role: any signed-in caller (session or API key);
 * - `session`: an interactive login only (managing API keys, organizations);
 * - `admin`: a platform administrator;
 * - a {@link Scope} value: a session, or an API key that carries that scope;
 * - `anyone` ({@link ANYONE}): visitors without an account may call it too (public browsing);
 *   signed-in callers still need the other roles listed with it.
 * A caller who is not signed in is UNAUTHENTICATED (unless `anyone` is listed and they sent no
 * credential; a credential the hub refused stays UNAUTHENTICATED); one who is signed in but lacks
 * the role is FORBIDDEN. What an anonymous visitor may read is decided per row by accounts/access.ts.
 */
import type { AuthChecker } from 'type-graphql';
import { hasScope } from '../accounts/principal.js';
import { ALL_SCOPES, type Scope } from '../accounts/scopes.js';
import { forbidden, unauthenticated } from '../errors.js';
import type { Context } from './context.js';

export const SESSION_ONLY = 'session';
export const ADMIN = 'admin';
export const ANYONE = 'anyone';

export const authChecker: AuthChecker<Context> = ({ context }, roles) => {
  const principal = context.principal;
  if (!principal) {
    if (roles.includes(ANYONE) && !context.authError) return true;
    throw context.authError ?? unauthenticated();
  }
  for (const role of roles) {
    if (role === ANYONE) continue;
    if (role === SESSION_ONLY) {
      if (principal.via !== 'session') throw forbidden('This needs a signed-in session; API keys cannot do it');
    } else if (role === ADMIN) {
      if (!principal.user.isAdmin) throw forbidden('Only a platform administrator can do this');
    } else if (ALL_SCOPES.includes(role as Scope)) {
      if (!hasScope(principal, role as Scope)) throw forbidden(`This API key lacks the ${role} scope`);
    } else {
      throw new Error(`Unknown role in @Authorized: ${role}`);
    }
  }
  return true;
};
