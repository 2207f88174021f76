/**
 * The one place GraphQL errors become what clients see. Every error leaves with
 * `extensions.code` from {@link ERROR_CODES}; field problems ride in `extensions.fields`.
 * Anything we did not throw on purpose is INTERNAL with a generic message (and is logged);
 * outside development no stack trace, SQL or path ever leaves.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, ERROR_CODES, type ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';

/** Apollo's and graphql-js's codes for a request the client got wrong. */
const CLIENT_MISTAKES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: { development: boolean; log: Logger },
): GraphQLFormattedError {
  const unwrapped = unwrapResolverError(error);
  // A request error made from an AppError before execution (operation-guard.ts) answers as that AppError.
  const original = unwrapped instanceof GraphQLError && unwrapped.originalError instanceof AppError ? unwrapped.originalError : unwrapped;
  const base = { locations: formatted.locations, path: formatted.path };
  if (original instanceof AppError) {
    return {
      ...base,
      message: original.message,
      extensions: {
        code: original.code,
        ...(original.fields.length > 0 ? { fields: original.fields } : {}),
        ...(original.retryAfterSeconds !== undefined ? { retryAfterSeconds: original.retryAfterSeconds } : {}),
        ...original.details,
      },
    };
  }
  const code = formatted.extensions?.code;
  // Errors graphql-js, Apollo, graphql-armor and type-graphql raise on purpose are GraphQLErrors
  // themselves; a plain Error thrown by our code or a library is not, and is INTERNAL.
  if (typeof code === 'string' && original instanceof GraphQLError) {
    if (CLIENT_MISTAKES.has(code)) return { ...base, message: formatted.message, extensions: { code: 'BAD_USER_INPUT' } };
    if ((ERROR_CODES as readonly string[]).includes(code) && code !== 'INTERNAL') {
      return { ...base, message: formatted.message, extensions: { code: code as ErrorCode } };
    }
  }
  options.log.error({ err: original }, 'internal error in GraphQL operation');
  return {
    ...base,
    message: options.development ? formatted.message : 'Internal server error',
    extensions: {
      code: 'INTERNAL',
      ...(options.development && original instanceof Error ? { stacktrace: original.stack?.split('\n') } : {}),
    },
  };
}
