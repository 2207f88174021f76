/**
 * Errors about a query, located in it. Clients get `extensions.code` (BAD_USER_INPUT, or
 * NOT_FOUND for a dataset or model they may not read) and one field problem naming the field
 * `query` with the line and column: `extensions.fields: [{ field: 'query', message, line, column }]`;
 * the message starts with "query: line L, column C:" so it reads well on its own too.
 */
import { AppError, type ErrorCode, type FieldProblem } from '../errors.js';
import type { Position, SourceText } from './source-text.js';

/** A field problem with where in the query it is (`line` and `column` are 1-based). */
export interface SqlProblem extends FieldProblem {
  line?: number;
  column?: number;
}

export class SqlError extends AppError {
  constructor(
    code: ErrorCode,
    readonly problem: string,
    readonly position: Position | null,
    /** Extra members of the field problem (e.g. `statement` for statements not available yet). */
    extra: Record<string, string> = {},
    readonly field = 'query',
  ) {
    const where = position ? `line ${position.line}, column ${position.column}: ` : '';
    const fields: SqlProblem[] = [
      { field, message: `${where}${problem}`, ...(position ? { line: position.line, column: position.column } : {}), ...extra },
    ];
    super(code, `${field}: ${where}${problem}`, fields);
    this.name = 'SqlError';
  }
}

/** A mistake at `offset` of `source` (or somewhere in the query, when the offset is unknown). */
export function sqlError(source: SourceText, offset: number | null, problem: string): SqlError {
  return new SqlError('BAD_USER_INPUT', problem, offset === null ? null : source.position(offset));
}
