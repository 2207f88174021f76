import { GraphQLError } from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { formatError } from '../format-error.js';

const log = pino({ level: 'silent' });
/** What Apollo hands formatError for an error thrown inside a resolver. */
const fromResolver = (error: Error) =>
  new GraphQLError(error.message, { path: ['field'], originalError: error, extensions: { code: 'INTERNAL_SERVER_ERROR' } });

describe('formatError', () => {
  it('passes typed errors through with their code and field problems', () => {
    const error = fromResolver(new AppError('BAD_USER_INPUT', 'name: must not be empty', [{ field: 'name', message: 'must not be empty' }]));
    expect(formatError(error.toJSON(), error, { development: false, log })).toEqual({
      message: 'name: must not be empty',
      path: ['field'],
      locations: undefined,
      extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'name', message: 'must not be empty' }] },
    });
  });

  it('hides anything unexpected as INTERNAL outside development', () => {
    const error = fromResolver(new Error('duplicate key value violates unique constraint "users_pkey" at /srv/hub/x.js'));
    const out = formatError(error.toJSON(), error, { development: false, log });
    expect(out).toEqual({ message: 'Internal server error', path: ['field'], locations: undefined, extensions: { code: 'INTERNAL' } });
  });

  it('shows the message and stack in development', () => {
    const error = fromResolver(new Error('boom'));
    const out = formatError(error.toJSON(), error, { development: true, log });
    expect(out.message).toBe('boom');
    expect(out.extensions).toMatchObject({ code: 'INTERNAL', stacktrace: expect.arrayContaining([expect.stringContaining('Error: boom')]) });
  });

  it('maps request mistakes to BAD_USER_INPUT', () => {
    const error = new GraphQLError('Syntax Error: Unexpected <EOF>.', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(formatError(error.toJSON(), error, { development: false, log }).extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });
});
