/**
 * REST: the result of an ML.PREDICT / ML.EVALUATE job that POST /api/sql answered with its job id
 * (it took longer than AIMASS_ML_WAIT_MS). Mounted under /api/sql.
 *
 *   GET /api/sql/jobs/:id?first=100&after=<endCursor>
 *
 * Authenticated like POST /api/sql (a session or an API key with datasets:read). Answers the same
 * JSON as POST /api/sql: while the job runs, one row (job_id, status, model, rows, error); once it
 * succeeded, its rows. 404 for a job you may not see.
 */
import { Router, type Request, type Response } from 'express';
import type { Principal } from '../accounts/index.js';
import { Scope } from '../accounts/index.js';
import { badInput } from '../errors.js';
import { requiredPrincipal, routeAccess } from '../http/route-access.js';
import type { Services } from '../module.js';
import { jobResultPage } from './ml-job-result.js';

export function mlSqlRouter(services: Pick<Services, 'accounts' | 'ml'>): Router {
  const router = Router();
  router.get('/jobs/:id', routeAccess(services.accounts, { scope: Scope.DATASETS_READ }), async (req: Request, res: Response) => {
    const principal = requiredPrincipal<Principal>(res);
    const { first, after } = req.query;
    if (first !== undefined && (typeof first !== 'string' || !/^\d{1,4}$/.test(first))) throw badInput('first', 'must be a whole number from 1 to 1000');
    if (after !== undefined && typeof after !== 'string') throw badInput('after', 'must be a string (a cursor)');
    res.json(await jobResultPage(services.ml, principal, String(req.params.id), first === undefined ? null : Number(first), after ?? null));
  });
  return router;
}
