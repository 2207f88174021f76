/**
 * REST: uploading a dataset version as a streaming body.
 *
 *   POST /api/datasets/:owner/:name/versions?format=csv|tsv|jsonl&delimiter=…&nullTokens=…&raggedRows=reject|pad
 *
 * Authenticated by `Authorization: Bearer <session token or API key with datasets:write>`.
 * Answers 201 with the version and its ingest report, or `{ error: { code, message, fields? } }`;
 * a 201 says in `Server-Timing` how long each step took (spool, ingest, profile, commit; ms): on
 * PostgreSQL the ingest begins once the body's first 64 KiB are in (unless its Content-Length is at
 * most 5 MiB, or its second to fifth MiB came faster than the hub loads) and reads the rest as it
 * arrives, so `spool` is the time until the ingest began and `ingest` includes receiving the rest.
 * A body over AIMASS_DATASET_MAX_BYTES is refused with 413 (at once when Content-Length says so)
 * and the connection is closed; so is a body that would cross the owner's dataset quota
 * (AIMASS_QUOTA_DATASET_BYTES: 413 `{ error: { code: 'QUOTA_EXCEEDED', quota, owner, used, limit, adding } }`).
 *
 *   GET /api/datasets/:owner/:name/versions/:number/export.csv
 *
 * Streams the version as CSV. Public and unlisted datasets need no credential; a private one needs
 * a session or an API key with datasets:read, and is NOT_FOUND to anyone who may not read it.
 */
import { Router, type Request, type Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Principal } from '../accounts/index.js';
import { Scope } from '../accounts/index.js';
import { notFound } from '../errors.js';
import { countedUpload } from '../http/counted-upload.js';
import { principalOf, requiredPrincipal, routeAccess } from '../http/route-access.js';
import { setServerTiming } from '../http/server-timing.js';
import type { Metrics } from '../metrics.js';
import type { Services } from '../module.js';
import type { UploadTimings } from './datasets.service.js';

export function datasetsRouter(services: Pick<Services, 'accounts' | 'datasets'>, metrics: Pick<Metrics, 'uploads'>): Router {
  const router = Router();
  router.post('/:owner/:name/versions', routeAccess(services.accounts, { scope: Scope.DATASETS_WRITE }), async (req: Request, res: Response) => {
    const principal = requiredPrincipal<Principal>(res);
    const length = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    const timings: UploadTimings = {};
    const version = await countedUpload(
      metrics.uploads,
      'dataset',
      services.datasets.upload(principal, String(req.params.owner), String(req.params.name), req, req.query, length, timings),
    );
    setServerTiming(res, timings);
    res.status(201).json({
      id: version.id,
      number: version.number,
      status: version.status,
      rowCount: version.rowCount,
      columns: version.columns,
      ingestReport: version.ingestReport,
      createdAt: version.createdAt,
    });
  });
  const exportAccess = routeAccess(services.accounts, { scope: Scope.DATASETS_READ, anonymous: true });
  router.get('/:owner/:name/versions/:number/export.csv', exportAccess, async (req: Request, res: Response) => {
    const principal = principalOf<Principal>(res);
    const number = Number(req.params.number);
    if (!Number.isInteger(number) || number < 1) throw notFound('Dataset version');
    const version = await services.datasets.version(principal, String(req.params.owner), String(req.params.name), number);
    await services.datasets.recordUsage(version.datasetId);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${String(req.params.name).replace(/[^A-Za-z0-9._-]/g, '_')}-v${number}.csv"`);
    await pipeline(Readable.from(services.datasets.exportCsv(version)), res);
  });
  return router;
}
