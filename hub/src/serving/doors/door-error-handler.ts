/**
 * Errors on the TF Serving and KServe routes, in the shape both protocols use: `{"error": "…"}`
 * (TF Serving's REST API and the Open Inference Protocol's error JSON object), with the status
 * the hub's error codes map to everywhere (errors.ts httpStatus: 400 bad input, 401/403
 * credentials, 404 not found or not visible, 429 over a limit and 503 nothing can take it, both
 * with `Retry-After`, 504 deadline passed). A body past its limit is 413 with the connection
 * closed, as on every other route (http/error-handler.ts); a body that is not JSON (`NaN` is not
 * JSON) is 400 naming `body`. `RateLimit-*` headers the admission set travel on errors too.
 */
import type { ErrorRequestHandler, Response } from 'express';
import { AppError, BodyTooLargeError, httpStatus } from '../../errors.js';
import { sendJson } from '../../http/send-json.js';
import { headersOf } from './inference-service.js';

export function sendDoorError(res: Response, status: number, message: string): void {
  sendJson(res, { error: message }, status);
}

export function doorErrorHandler(development: boolean): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (res.headersSent) return;
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      const limit = (error as { limit: number }).limit;
      error = new BodyTooLargeError(limit, `body: the request body is larger than ${limit} bytes`);
    }
    if (error instanceof BodyTooLargeError) {
      res.setHeader('Connection', 'close');
      return sendDoorError(res, 413, error.message);
    }
    if (type === 'entity.parse.failed') {
      return sendDoorError(res, 400, `body is not valid JSON (${(error as Error).message})`);
    }
    if (type === 'encoding.unsupported' || type === 'charset.unsupported' || type === 'request.aborted') {
      return sendDoorError(res, 400, `body: ${(error as Error).message}`);
    }
    if (error instanceof AppError) {
      for (const [name, value] of Object.entries(headersOf(error))) res.setHeader(name, value);
      if (error.retryAfterSeconds) res.setHeader('Retry-After', String(Math.ceil(error.retryAfterSeconds)));
      return sendDoorError(res, httpStatus(error.code), error.message);
    }
    req.log?.error({ err: error }, 'unhandled error in an inference route');
    sendDoorError(res, 500, development ? String((error as Error)?.message) : 'Internal server error');
  };
}
