/**
 * The one credential preamble of every REST route, declared on the route itself:
 *
 *   router.post('/:owner/:name/versions', routeAccess(accounts, { scope: Scope.DATASETS_WRITE }), handler)
 *
 * It reads `Authorization: Bearer <session token or API key>` (401 when malformed or missing where
 * the route needs a caller), asks the authenticator who that is and whether the credential reaches
 * the route's scope (an API key without it: 403 naming it), and leaves the caller in
 * `res.locals.principal` (null when the route allows anonymous callers and none was sent). Job
 * routes, which only the job token handed to an agent opens, are declared {@link jobTokenOnly}
 * where they are mounted. A test walks every route under /api and fails on one that declares
 * neither.
 *
 * This module knows no domain: the authenticator (the accounts service) brings the principal type
 * and the scope check.
 */
import type { RequestHandler, Response } from 'express';
import { AppError, unauthenticated } from '../errors.js';
import { bearerToken } from './bearer-token.js';

export interface RouteAccess<S = string> {
  /** What an API key needs here. */
  scope: S;
  /** Whether anonymous callers may use the route (the service then decides what they see). Default: no. */
  anonymous?: boolean;
}

/** Who a bearer token is, and whether that credential reaches something declared `scope`. */
export interface Authenticator<P, S> {
  authenticate(token: string): Promise<P>;
  /** Throws (FORBIDDEN naming what is missing) when the credential may not reach `scope`. */
  requireKeyAccess(principal: P, scope: S): void;
}

/** What a route handler declared: the walk in the route test reads it. */
export const ROUTE_ACCESS = Symbol('routeAccess');
type Declared = RequestHandler & { [ROUTE_ACCESS]: RouteAccess<unknown> | 'jobToken' };

export function routeAccess<P, S>(accounts: Authenticator<P, S>, access: RouteAccess<S>): RequestHandler {
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
      accounts.requireKeyAccess(principal, access.scope);
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
 * check (compute/job-agent.routes.ts `leasedJob`) then ties the token to its job and lease.
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
export function principalOf<P>(res: Response): P | null {
  return (res.locals.principal as P | null | undefined) ?? null;
}

/** The caller of a route that needs one. */
export function requiredPrincipal<P>(res: Response): P {
  const principal = principalOf<P>(res);
  if (!principal) throw new Error('routeAccess did not run before this handler');
  return principal;
}
