/**
 * The one place REST errors become responses: `{ error: { code, message, fields? } }` with the
 * matching HTTP status. Body-parser failures (bad JSON, too large) are client mistakes.
 */
import type { ErrorRequestHandler, Response } from 'express';
import { AppError, httpStatus, type ErrorCode, type FieldProblem } from '../errors.js';

/**
 * REST answers `{ error: { code, message, fields? } }`; under /graphql the same problem is
 * answered in GraphQL's own shape, `{ errors: [{ message, extensions: { code, fields? } }] }`.
 */
export function sendError(res: Response, status: number, code: ErrorCode, message: string, fields?: FieldProblem[], details?: Record<string, string | number>): void {
  const extra = { ...(fields?.length ? { fields } : {}), ...details };
  res
    .status(status)
    .json(res.req.originalUrl.startsWith('/graphql') ? { errors: [{ message, extensions: { code, ...extra } }] } : { error: { code, message, ...extra } });
}

export function errorHandler(development: boolean): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (res.headersSent) return;
    if (error instanceof AppError) {
      if (error.retryAfterSeconds) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      return sendError(res, httpStatus(error.code), error.code, error.message, error.fields, error.details);
    }
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      // Close the connection: the rest of an oversized body is not worth reading.
      res.setHeader('Connection', 'close');
      return sendError(res, 413, 'BAD_USER_INPUT', `Request body is larger than ${(error as { limit: number }).limit} bytes`, [
        { field: 'body', message: 'too large' },
      ]);
    }
    if (type === 'entity.parse.failed') {
      return sendError(res, 400, 'BAD_USER_INPUT', 'Request body is not valid JSON', [{ field: 'body', message: 'not valid JSON' }]);
    }
    if (type === 'encoding.unsupported' || type === 'charset.unsupported' || type === 'request.aborted') {
      return sendError(res, 400, 'BAD_USER_INPUT', (error as Error).message);
    }
    req.log?.error({ err: error }, 'unhandled error in HTTP route');
    sendError(res, 500, 'INTERNAL', development ? String((error as Error)?.message) : 'Internal server error');
  };
}
