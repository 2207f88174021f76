/**
 * What a failed GraphQL operation looks like to the portal. The hub puts one of its codes in
 * `extensions.code` and, for input problems, `extensions.fields: [{ field, message }]`
 * (hub/src/graphql/format-error.ts). NETWORK is ours: the hub could not be reached or did not
 * answer with GraphQL.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'INTERNAL'
  | 'NETWORK';

const CODES: readonly string[] = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'DEADLINE_EXCEEDED',
  'INTERNAL',
  'NETWORK',
];

export interface FieldProblem {
  field: string;
  message: string;
  /** Where in a SQL query the problem is (1-based), for `runSql`'s `query` */
  line?: number;
  column?: number;
}

export class GraphQLRequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: readonly FieldProblem[] = [],
    /** For RATE_LIMITED and UNAVAILABLE: seconds until a retry may succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
  }

  /** Builds one error from a response's `errors`; field problems of all of them are kept. */
  static fromErrors(errors: readonly unknown[]): GraphQLRequestError {
    const first = asRecord(errors[0]);
    const extensions = asRecord(first.extensions);
    const code = typeof extensions.code === 'string' && CODES.includes(extensions.code) ? (extensions.code as ErrorCode) : 'INTERNAL';
    const message = typeof first.message === 'string' && first.message ? first.message : 'Something went wrong';
    const fields: FieldProblem[] = [];
    for (const error of errors) {
      const list = asRecord(asRecord(error).extensions).fields;
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        const { field, message: fieldMessage, line, column } = asRecord(item);
        if (typeof field !== 'string' || typeof fieldMessage !== 'string') continue;
        fields.push({
          field,
          message: fieldMessage,
          ...(typeof line === 'number' && typeof column === 'number' ? { line, column } : {}),
        });
      }
    }
    const retry = extensions.retryAfterSeconds;
    return new GraphQLRequestError(code, message, fields, typeof retry === 'number' ? retry : undefined);
  }

  /** Whatever was thrown, as a GraphQLRequestError (anything unexpected is INTERNAL). */
  static from(error: unknown): GraphQLRequestError {
    if (error instanceof GraphQLRequestError) return error;
    return new GraphQLRequestError('INTERNAL', error instanceof Error ? error.message : String(error));
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
