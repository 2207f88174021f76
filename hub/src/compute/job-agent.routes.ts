/**
 * HTTP endpoints for a running job, authenticated by its job token (`Authorization: Bearer amj_…`,
 * handed to the agent in job.assign). A token is valid only for its own job and attempt, and only
 * while that attempt holds the lease: large inputs and outputs travel here, never over the agent
 * socket. Anything else is NOT_FOUND (a token can't probe for other jobs).
 *
 *   GET /api/jobs/:id/payload   the job's payload as JSON
 */
import { Router, type Request } from 'express';
import { hashToken } from '../accounts/index.js';
import { AppError } from '../errors.js';
import { bearerToken } from '../http/bearer-token.js';
import type { LeasedJob, Scheduler } from './scheduler.js';

/** What opens a job token: the scheduler's leases. */
export type LeaseHolder = Pick<Scheduler, 'leasedJob'>;

/** The job the request's job token opens (NOT_FOUND otherwise); other domains' job routes use it too. */
export async function leasedJob(leases: LeaseHolder, req: Request): Promise<LeasedJob> {
  const token = bearerToken(req.headers.authorization);
  const id = String(req.params.id);
  if (!token?.startsWith('amj_') || !/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('NOT_FOUND', 'Job not found');
  const rows = await leases.leasedJob(id, hashToken(token));
  if (!rows) throw new AppError('NOT_FOUND', 'Job not found');
  return rows;
}

export function jobAgentRouter(leases: LeaseHolder): Router {
  const router = Router();
  router.get('/:id/payload', async (req, res) => {
    const job = await leasedJob(leases, req);
    res.json(job.payload);
  });
  return router;
}
