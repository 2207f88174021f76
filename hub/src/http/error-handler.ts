/**
 * The one place REST errors become responses: `{ error: { code, message, fields? } }` with the
 * matching HTTP status. Body-parser failures (bad JSON, too large) are client mistakes. Every body
 * past a limit (body-parser's, an upload's size limit, an owner's storage quota) is answered here:
 * 413, and the connection closed because the rest of the body is not worth reading.
 */
import type { ErrorRequestHandler, Response } from 'express';
import { AppError, BodyTooLargeError, httpStatus, QuotaExceededError, type ErrorCode, type FieldProblem } from '../errors.js';

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
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      const limit = (error as { limit: number }).limit;
      error = new BodyTooLargeError(limit, `Request body is larger than ${limit} bytes`);
    }
    if (error instanceof BodyTooLargeError || error instanceof QuotaExceededError) {
      res.setHeader('Connection', 'close');
      return sendError(res, 413, error.code, error.message, error.fields, error.details);
    }
    if (error instanceof AppError) {
      for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
      if (error.retryAfterSeconds) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      return sendError(res, httpStatus(error.code), error.code, error.message, error.fields, error.details);
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
