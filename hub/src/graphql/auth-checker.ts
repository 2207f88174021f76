/**
 * `@Authorized(...)` for every operation that needs a signed-in caller. Roles are strings:
 * - no role: any signed-in caller (session or API key);
 * - `admin`: a platform administrator;
 * - `anyone` ({@link ANYONE}): visitors without an account may call it too (public browsing);
 *   signed-in callers are still held to the other roles listed with it.
 * What an API key must carry besides (a scope, or a session instead) is declared once per
 * operation in operation-access.ts and checked before execution by operation-guard.ts.
 * A caller who is not signed in is UNAUTHENTICATED (unless `anyone` is listed and they sent no
 * credential: a credential the hub refused stays UNAUTHENTICATED); one who is signed in but lacks
 * the role is FORBIDDEN. What an anonymous visitor may read is decided per row by access/ (AccessService, readableSql).
 */
import type { AuthChecker } from 'type-graphql';
import { forbidden, unauthenticated } from '../errors.js';
import type { Context } from './context.js';

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
    if (role === ADMIN) {
      if (!principal.user.isAdmin) throw forbidden('Only a platform administrator can do this');
    } else {
      // Scopes and "session only" are declared in operation-access.ts, not here.
      throw new Error(`Unknown role in @Authorized: ${role}`);
    }
  }
  return true;
};
