/**
 * `@Authorized(...)` for every operation. Roles are strings:
 * - no role: any signed-in caller (session or API key);
 * - `session`: an interactive login only (managing API keys, organizations);
 * - `admin`: a platform administrator;
 * - a {@link Scope} value: a session, or an API key that carries that scope.
 * A caller who is not signed in is UNAUTHENTICATED; one who is but lacks the role is FORBIDDEN.
 */
import type { AuthChecker } from 'type-graphql';
import { hasScope } from '../accounts/principal.js';
import { ALL_SCOPES, type Scope } from '../accounts/scopes.js';
import { forbidden, unauthenticated } from '../errors.js';
import type { Context } from './context.js';

export const SESSION_ONLY = 'session';
export const ADMIN = 'admin';

export const authChecker: AuthChecker<Context> = ({ context }, roles) => {
  const principal = context.principal;
  if (!principal) throw context.authError ?? unauthenticated();
  for (const role of roles) {
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
