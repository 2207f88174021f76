/**
 * REST for a running training job, authenticated by its job token (`Authorization: Bearer amj_…`,
 * valid for its job and attempt while the lease holds; anything else is NOT_FOUND). Mounted under
 * /api/jobs beside compute's job-files routes. Bodies and answers: schema/training.ts.
 *
 *   GET  /api/jobs/:id/rows?offset=&limit=   a chunk of the training query's rows (JSON)
 *   POST /api/jobs/:id/epochs                { epochs: [{ epoch, loss, evalLoss, learningRate, durationMs, metrics }] }
 *   POST /api/jobs/:id/checkpoints           multipart: state.json + weights.bin
 *   GET  /api/jobs/:id/checkpoint            the newest checkpoint's state.json (204 when there is none)
 *   GET  /api/jobs/:id/checkpoint/weights    its weights.bin
 *   GET  /api/jobs/:id/model                 the version already made from this job (204 when none)
 *   POST /api/jobs/:id/model                 multipart: model.json + shards + training.json → 201 { modelVersionId, versionNumber, … },
 *                                            with Server-Timing: receive, check, version (ms)
 */
import express, { Router, type Request, type Response } from 'express';
import { leasedJob } from '../compute/index.js';
import { queryInteger } from '../http/query-integer.js';
import { setServerTiming } from '../http/server-timing.js';
import type { Services } from '../module.js';

/** Epoch reports are small; a thousand of them fit easily. */
const EPOCHS_BODY_LIMIT = 1024 * 1024;

export function trainingAgentRouter(services: Pick<Services, 'scheduler' | 'config' | 'trainingAgentDoor'>): Router {
  const router = Router();
  const files = services.trainingAgentDoor;

  router.get('/:id/rows', async (req: Request, res: Response) => {
    const job = await leasedJob(services.scheduler, req);
    res.type('application/json').send(await files.rows(job, queryInteger(req.query.offset, 'offset', 0), queryInteger(req.query.limit, 'limit', services.config.training.chunkRows)));
  });

  router.post('/:id/epochs', express.json({ limit: EPOCHS_BODY_LIMIT }), async (req: Request, res: Response) => {
    const job = await leasedJob(services.scheduler, req);
    res.json(await files.recordEpochs(job, req.body));
  });

  /** Multipart uploads (an oversized one is answered 413 by the error handler, which closes the connection). */
  const upload = (handle: (job: Awaited<ReturnType<typeof leasedJob>>, req: Request) => Promise<object>) => async (req: Request, res: Response) => {
    const job = await leasedJob(services.scheduler, req);
    res.status(201).json(await handle(job, req));
  };
  router.post('/:id/checkpoints', upload((job, req) => files.saveCheckpoint(job, req.headers, req)));
  router.post('/:id/model', async (req: Request, res: Response) => {
    const job = await leasedJob(services.scheduler, req);
    const timings: Record<string, number> = {};
    const made = await files.uploadModel(job, req.headers, req, timings);
    setServerTiming(res, timings);
    res.status(201).json(made);
  });

  router.get('/:id/model', async (req: Request, res: Response) => {
    const done = await files.finished(await leasedJob(services.scheduler, req));
    if (done) res.json(done);
    else res.status(204).end();
  });

  router.get('/:id/checkpoint', async (req: Request, res: Response) => {
    const checkpoint = await files.latestCheckpoint(await leasedJob(services.scheduler, req));
    if (!checkpoint) return void res.status(204).end();
    res.type('application/json');
    checkpoint.body.on('error', (error) => res.destroy(error));
    checkpoint.body.pipe(res);
  });

  router.get('/:id/checkpoint/weights', async (req: Request, res: Response) => {
    const weights = await files.latestCheckpointWeights(await leasedJob(services.scheduler, req));
    res.type('application/octet-stream');
    weights.on('error', (error) => res.destroy(error));
    weights.pipe(res);
  });
  return router;
}
