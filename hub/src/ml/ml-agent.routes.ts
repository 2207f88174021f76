/**
 * REST for a running `predict` job (ML.PREDICT / ML.EVALUATE), authenticated by its job token
 * (`Authorization: Bearer amj_…`; anything else is NOT_FOUND). Mounted under /api/jobs beside
 * the training job's routes. Bodies and answers: schema/ml.ts.
 *
 *   GET  /api/jobs/:id/ml/file?path=model.json   a file of the model version
 *   GET  /api/jobs/:id/ml/rows?offset=&limit=    a chunk of the input query's rows (JSON)
 *   POST /api/jobs/:id/ml/predictions            { offset, outputs: [[…], …] }
 */
import express, { Router, type Request, type Response } from 'express';
import { leasedJob } from '../compute/index.js';
import { badInput } from '../errors.js';
import { queryInteger } from '../http/query-integer.js';
import type { Services } from '../module.js';

export function mlAgentRouter(services: Pick<Services, 'scheduler' | 'config' | 'mlAgentDoor'>): Router {
  const router = Router();
  const files = services.mlAgentDoor;

  router.get('/:id/ml/file', async (req: Request, res: Response) => {
    const job = await leasedJob(services.scheduler, req);
    if (typeof req.query.path !== 'string') throw badInput('path', 'name the file: ?path=model.json');
    const file = await files.file(job, req.query.path);
    res.type(req.query.path.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    res.setHeader('content-length', String(file.size));
    file.body.on('error', (error) => res.destroy(error));
    file.body.pipe(res);
  });

  router.get('/:id/ml/rows', async (req: Request, res: Response) => {
    const job = await leasedJob(services.scheduler, req);
    res.json(await files.rows(job, queryInteger(req.query.offset, 'offset', 0), queryInteger(req.query.limit, 'limit', services.config.training.chunkRows)));
  });

  // A chunk of outputs: at most AIMASS_TRAIN_CHUNK_ROWS rows of up to AIMASS_TRAIN_MAX_CLASSES numbers.
  router.post('/:id/ml/predictions', express.json({ limit: Math.max(services.config.maxBodyBytes, 64 * 1024 * 1024) }), async (req: Request, res: Response) => {
    const job = await leasedJob(services.scheduler, req);
    res.json(await files.predictions(job, req.body));
  });
  return router;
}
