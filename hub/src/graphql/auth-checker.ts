/**
 * `@Authorized(...)` for every operation that needs a signed-in caller. Roles are strings:
 * - no role: any signed-in caller (session or API key);
 * - `admin`: a platform administrator.
 * What an API key must carry besides (a scope, or a session instead) is declared once per
 * operation in operation-access.ts and checked before execution by operation-guard.ts.
 * A caller who is not signed in is UNAUTHENTICATED; one who is but lacks the role is FORBIDDEN.
 */
import type { AuthChecker } from 'type-graphql';
import { forbidden, unauthenticated } from '../errors.js';
import type { Context } from './context.js';

export const ADMIN = 'admin';

export const authChecker: AuthChecker<Context> = ({ context }, roles) => {
  const principal = context.principal;
  if (!principal) throw context.authError ?? unauthenticated();
  for (const role of roles) {
    if (role === ADMIN) {
      if (!principal.user.isAdmin) throw forbidden('Only a platform administrator can do this');
    } else {
      // Scopes and "session only" are declared in operation-access.ts, not here.
      throw new Error(`Unknown role in @Authorized: ${role}`);
    }
  }
  return true;
};
