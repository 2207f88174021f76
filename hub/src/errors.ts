/**
 * Typed errors. Services throw {@link AppError} (or a domain subclass) with one of the codes
 * below; `graphql/format-error.ts` and `http/error-handler.ts` turn them into
 * `extensions.code` / HTTP JSON exactly once. Anything else that escapes is INTERNAL and its
 * message never reaches a client outside development.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  /** The SQL surface is off on this hub (its sandbox could not be set up; the reason is on /readyz). */
  'SQL_UNAVAILABLE',
  'QUOTA_EXCEEDED',
  /** Nothing can take the request now (no ready replica, every queue full): retry after `retryAfterSeconds`. */
  'UNAVAILABLE',
  /** The request's deadline passed before it was answered. */
  'DEADLINE_EXCEEDED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One problem with one input field, as clients see it in `extensions.fields`. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: FieldProblem[] = [],
    /** For RATE_LIMITED and UNAVAILABLE: seconds until a retry may succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** More facts for the client, beside `code` (GraphQL `extensions`, REST `error`); none by default. */
  get details(): Record<string, string | number> | undefined {
    return undefined;
  }

  private added: Record<string, string> | undefined;

  /** HTTP response headers that belong to this error (REST sets them; e.g. RateLimit-*); none by default. */
  get headers(): Record<string, string> | undefined {
    return this.added;
  }

  /** Adds response headers (e.g. the RateLimit-* of a request refused after its admission); returns this error. */
  withHeaders(headers: Record<string, string>): this {
    this.added = { ...this.added, ...headers };
    return this;
  }
}

/** Which per-owner storage quota (AIMASS_QUOTA_DATASET_BYTES, AIMASS_QUOTA_ARTIFACT_BYTES). */
export type StorageQuota = 'datasets' | 'artifacts';

/**
 * An owner's storage quota would be crossed: HTTP 413, GraphQL `QUOTA_EXCEEDED`, with the quota,
 * the owner, the bytes used, the limit, and the bytes the refused request would have added (as far
 * as it was read).
 */
export class QuotaExceededError extends AppError {
  constructor(
    readonly quota: StorageQuota,
    readonly owner: string,
    readonly used: number,
    readonly limit: number,
    readonly adding: number,
  ) {
    super(
      'QUOTA_EXCEEDED',
      `Storage quota for ${quota} exceeded: ${owner} stores ${used} of ${limit} bytes${adding > 0 ? ` and this upload adds ${adding}${adding >= limit - used ? '' : ' or more'}` : ''}`,
      [{ field: 'body', message: `${quota} quota exceeded` }],
    );
  }

  override get details() {
    return { quota: this.quota, owner: this.owner, used: this.used, limit: this.limit, adding: this.adding };
  }
}

/**
 * A request body past its size limit: HTTP 413 with the connection closed (the rest of the body is
 * not worth reading; http/error-handler.ts does both), BAD_USER_INPUT naming `body` in GraphQL.
 */
export class BodyTooLargeError extends AppError {
  constructor(limit: number, message = `The upload is larger than ${limit} bytes`) {
    super('BAD_USER_INPUT', message, [{ field: 'body', message: 'too large' }]);
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const forbidden = (message = 'You are not allowed to do this') => new AppError('FORBIDDEN', message);
export const conflict = (message: string, field?: string) =>
  new AppError('CONFLICT', message, field ? [{ field, message }] : []);
export const badInput = (field: string, message: string) =>
  new AppError('BAD_USER_INPUT', `${field}: ${message}`, [{ field, message }]);
export const unauthenticated = (message = 'Sign in first') => new AppError('UNAUTHENTICATED', message);

/** HTTP status for each code, used by REST routes and by GraphQL-over-HTTP for request errors. */
export function httpStatus(code: ErrorCode): number {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'BAD_USER_INPUT':
      return 400;
    case 'CONFLICT':
      return 409;
    case 'RATE_LIMITED':
      return 429;
    case 'SQL_UNAVAILABLE':
      return 503;
    case 'QUOTA_EXCEEDED':
      return 413;
    case 'UNAVAILABLE':
      return 503;
    case 'DEADLINE_EXCEEDED':
      return 504;
    case 'INTERNAL':
      return 500;
    default:
      return assertUnreachable(code);
  }
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unreachable: ${String(value)}`);
}
