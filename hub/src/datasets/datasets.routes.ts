/**
 * REST: uploading a dataset version as a streaming body.
 *
 *   POST /api/datasets/:owner/:name/versions?format=csv|tsv|jsonl&delimiter=…&nullTokens=…&raggedRows=reject|pad
 *
 * Authenticated by `Authorization: Bearer <session token or API key with datasets:write>`.
 * Answers 201 with the version and its ingest report, or `{ error: { code, message, fields? } }`.
 * A body over AIMASS_DATASET_MAX_BYTES is refused with 413 (at once when Content-Length says so)
 * and the connection is closed.
 */
import { Router, type Request, type Response } from 'express';
import { bearerToken } from '../graphql/context.js';
import { unauthenticated } from '../errors.js';
import { sendError } from '../http/error-handler.js';
import type { Services } from '../services.js';
import { TooLargeError } from './ingest/spool.js';

export function datasetsRouter(services: Services): Router {
  const router = Router();
  router.post('/:owner/:name/versions', async (req: Request, res: Response) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw unauthenticated('Send "Authorization: Bearer <session token or API key>"');
    const principal = await services.accounts.authenticate(token);
    const length = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    try {
      const version = await services.datasets.upload(principal, String(req.params.owner), String(req.params.name), req, req.query, length);
      res.status(201).json({
        id: version.id,
        number: version.number,
        status: version.status,
        rowCount: version.rowCount,
        columns: version.columns,
        ingestReport: version.ingestReport,
        createdAt: version.createdAt,
      });
    } catch (error) {
      if (!(error instanceof TooLargeError)) throw error;
      // The rest of an oversized body is not worth reading.
      res.setHeader('Connection', 'close');
      sendError(res, 413, error.code, error.message, error.fields);
    }
  });
  return router;
}
