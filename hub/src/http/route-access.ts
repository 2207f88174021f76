/**
 * The credential preamble of every REST route, declared on the route itself:
 *
 *   router.post('/:owner/:name/versions', routeAccess(accounts, { scope: Scope.DATASETS_WRITE }), handler)
 *
 * It reads `Authorization: Bearer <session token or API key>`, refuses an API key without the
 * route's scope (403 naming it) and leaves the caller in `res.locals.principal` (null when the
 * route allows anonymous callers and none was sent). Job routes, which only the job token handed
 * to an agent opens, are declared {@link jobTokenOnly} where they are mounted. A test walks every
 * route under /api and fails on one that declares neither.
 */
import type { RequestHandler, Response } from 'express';
import { requireKeyAccess, type KeyAccess } from '../accounts/key-access.js';
import type { Principal } from '../accounts/principal.js';
import { AppError, unauthenticated } from '../errors.js';
import { bearerToken } from '../graphql/context.js';

export interface RouteAccess {
  /** What an API key needs here. */
  scope: KeyAccess;
  /** Whether anonymous callers may use the route (the service then decides what they see). Default: no. */
  anonymous?: boolean;
}

/** What a route handler declared: the walk in the route test reads it. */
export const ROUTE_ACCESS = Symbol('routeAccess');
type Declared = RequestHandler & { [ROUTE_ACCESS]: RouteAccess | 'jobToken' };

export function routeAccess(accounts: { authenticate(token: string): Promise<Principal> }, access: RouteAccess): RequestHandler {
  const handler: RequestHandler = async (req, res, next) => {
    try {
      const token = bearerToken(req.headers.authorization);
      if (req.headers.authorization !== undefined && !token) throw unauthenticated('Authorization must be "Bearer <token>"');
      if (!token) {
        if (!access.anonymous) throw unauthenticated('Send "Authorization: Bearer <session token or API key>"');
        res.locals.principal = null;
        return next();
      }
      const principal = await accounts.authenticate(token);
      requireKeyAccess(principal, access.scope);
      res.locals.principal = principal;
      next();
    } catch (error) {
      next(error);
    }
  };
  return Object.assign(handler, { [ROUTE_ACCESS]: access }) as Declared;
}

/**
 * Routes for a running job's agent, opened by its job token (`amj_…`) only; the route's own
 * check (compute/job-files.routes.ts `leasedJob`) then ties the token to its job and lease.
 * Sessions and API keys are refused here whatever their scopes, as NOT_FOUND like a wrong job
 * token: these routes tell nobody which jobs exist.
 */
export function jobTokenOnly(): RequestHandler {
  const handler: RequestHandler = (req, _res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (token && !token.startsWith('amj_')) {
      return next(new AppError('NOT_FOUND', 'Job not found'));
    }
    next();
  };
  return Object.assign(handler, { [ROUTE_ACCESS]: 'jobToken' as const }) as Declared;
}

/** The caller routeAccess authenticated (null: anonymous, where the route allows it). */
export function principalOf(res: Response): Principal | null {
  return (res.locals.principal as Principal | null | undefined) ?? null;
}

/** The caller of a route that needs one. */
export function requiredPrincipal(res: Response): Principal {
  const principal = principalOf(res);
  if (!principal) throw new Error('routeAccess did not run before this handler');
  return principal;
}
