/**
 * REST for a running `serve` job (a deployment's replica), opened by its job token only
 * (`Authorization: Bearer amj_…`; anything else is NOT_FOUND). Mounted under /api/jobs.
 *
 *   GET /api/jobs/:id/serve/file?path=model.json   a file of the version the job serves
 *
 * Only the files the job's payload names (the version it was queued for) are served, streamed
 * from the artifact store.
 */
import { Router, type Request, type Response } from 'express';
import { servePayload } from '../../../schema/index.js';
import type { ArtifactStore } from '../artifacts/index.js';
import { leasedJob, type LeaseHolder } from '../compute/index.js';
import { badInput, notFound } from '../errors.js';

export function serveAgentRouter(services: { scheduler: LeaseHolder; artifacts: ArtifactStore }): Router {
  const router = Router();
  router.get('/:id/serve/file', async (req: Request, res: Response) => {
    const job = await leasedJob(services.scheduler, req);
    if (job.kind !== 'serve') throw notFound('Job');
    if (typeof req.query.path !== 'string') throw badInput('path', 'name the file: ?path=model.json');
    const payload = servePayload.safeParse(job.payload);
    const file = payload.success ? payload.data.files.find((f) => f.path === req.query.path) : undefined;
    if (!file) throw notFound('File');
    const body = await services.artifacts.get(file.sha256);
    res.type(file.path.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    res.setHeader('content-length', String(file.size));
    body.on('error', (error) => res.destroy(error));
    body.pipe(res);
  });
  return router;
}
