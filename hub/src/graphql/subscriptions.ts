/**
 * GraphQL over WebSocket at /graphql with the graphql-ws protocol
 * (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md). Clients authenticate with
 * `connectionParams: { authorization: "Bearer <token>" }`; a bad credential is refused at
 * ConnectionInit (close 4403). The same armor validation rules and error formatting as HTTP apply.
 */
import { randomUUID } from 'node:crypto';
import type { ValidationRule } from 'graphql';
import { specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';
import { bearerToken, buildContext } from './context.js';
import { formatError } from './format-error.js';

/** What we keep per connection, beside graphql-ws's own socket and request. */
type Extra = { authorization?: string } & Record<PropertyKey, unknown>;

export function createSubscriptionServer(options: {
  schema: GraphQLSchema;
  services: Services;
  log: Logger;
  validationRules: ValidationRule[];
  development: boolean;
}): { wss: WebSocketServer; dispose(): Promise<void> } {
  const { schema, services, log } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  const rules = [...specifiedRules, ...options.validationRules];
  const format = (errors: readonly import('graphql').GraphQLError[]) =>
    errors.map((e) => formatError(e.toJSON(), e, { development: options.development, log }));
  const cleanup = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      validate: (s, document) => validate(s, document, rules),
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        if (authorization === undefined) return true;
        const token = bearerToken(authorization);
        if (!token) return false;
        try {
          await services.accounts.authenticate(token);
        } catch (error) {
          if (error instanceof AppError) return false;
          throw error;
        }
        ctx.extra.authorization = `Bearer ${token}`;
        return true;
      },
      context: async (ctx) => {
        const requestId = randomUUID();
        const context = await buildContext(services, {
          requestId,
          log: log.child({ requestId, transport: 'graphql-ws' }),
          client: { ip: ctx.extra.request.socket.remoteAddress ?? 'unknown', userAgent: ctx.extra.request.headers['user-agent'] },
          // Checked again for every operation, so a session ended after connecting can't start new ones.
          authorization: ctx.extra.authorization,
        });
        return context;
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
    },
    wss,
  );
  return { wss, dispose: () => cleanup.dispose() as Promise<void> };
}
