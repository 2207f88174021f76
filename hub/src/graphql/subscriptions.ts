/**
 * GraphQL over WebSocket at /graphql with the graphql-ws protocol
 * (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md). Clients authenticate with
 * `connectionParams: { authorization: "Bearer <token>" }`; a bad credential is refused at
 * ConnectionInit (close 4403). The same token limit, armor validation rules, operation guard
 * (API key scopes, refused characters) and error formatting as HTTP apply.
 *
 * A connection lives no longer than its credential: logging out or revoking the key closes it
 * with 4401 at once on the hub that did it and, through the `credentialRevoked` signal, on every
 * other hub; a sweep every {@link RECHECK_MS} also closes connections whose session or key expired
 * or was ended in any other way.
 */
import { randomUUID } from 'node:crypto';
import type { GraphQLError, ValidationRule } from 'graphql';
import { parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Principal } from '../accounts/principal.js';
import { AppError } from '../errors.js';
import { clientAddress } from '../http/client-address.js';
import type { Logger } from '../logger.js';
import type { Services } from '../module.js';
import { bearerToken } from '../http/bearer-token.js';
import { buildContext } from './context.js';
import { sweepCredentials } from './credential-sweep.js';
import { formatError } from './format-error.js';
import { guardOperation, requestError } from './operation-guard.js';

/** How often open connections' credentials are checked again (one query for all of them). */
export const RECHECK_MS = 2_000;

/** What we keep per connection, beside graphql-ws's own socket and request. */
type Extra = { authorization?: string; credential?: Pick<Principal, 'via' | 'credentialId'> } & Record<PropertyKey, unknown>;

export function createSubscriptionServer(options: {
  schema: GraphQLSchema;
  services: Services;
  log: Logger;
  validationRules: ValidationRule[];
  maxTokens: number;
  /** AIMASS_TRUST_PROXY_HOPS, to find the client address as HTTP requests do. */
  trustProxyHops: number;
  development: boolean;
}): { wss: WebSocketServer; dispose(): Promise<void> } {
  const { schema, services, log } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  const rules = [...specifiedRules, ...options.validationRules];
  const format = (errors: readonly GraphQLError[]) =>
    errors.map((e) => formatError(e.toJSON(), e, { development: options.development, log }));

  /** Signed-in connections by the credential they were opened with. */
  const open = new Map<WebSocket, NonNullable<Extra['credential']>>();
  const end = (socket: WebSocket) => {
    open.delete(socket);
    socket.close(CloseCode.Unauthorized, 'Your session or API key was ended');
  };
  const stopListening = services.signals.on('credentialRevoked', ({ credentialId }) => {
    for (const [socket, credential] of open) if (credential.credentialId === credentialId) end(socket);
  });
  let sweeping = false;
  const sweep = setInterval(async () => {
    if (sweeping || open.size === 0) return;
    sweeping = true;
    try {
      await sweepCredentials(open, (credentials) => services.accounts.liveCredentials(credentials), end);
    } catch (error) {
      log.warn({ err: error }, 'could not check subscription credentials');
    } finally {
      sweeping = false;
    }
  }, RECHECK_MS);
  sweep.unref();

  const cleanup = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        if (authorization === undefined) return true;
        const token = bearerToken(authorization);
        if (!token) return false;
        let principal: Principal;
        try {
          principal = await services.accounts.authenticate(token);
        } catch (error) {
          if (error instanceof AppError) return false;
          // graphql-ws closes the socket with 4500 and the message; the operator sees why here.
          log.error({ err: error }, 'graphql-ws connection failed');
          throw error;
        }
        ctx.extra.authorization = `Bearer ${token}`;
        ctx.extra.credential = { via: principal.via, credentialId: principal.credentialId };
        const socket = ctx.extra.socket;
        open.set(socket, ctx.extra.credential);
        socket.once('close', () => open.delete(socket));
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query, { maxTokens: options.maxTokens });
        } catch (error) {
          return [error as GraphQLError];
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return errors;
        const requestId = randomUUID();
        const contextValue = await buildContext(services, {
          requestId,
          log: log.child({ requestId, transport: 'graphql-ws' }),
          client: { ip: clientAddress(ctx.extra.request, options.trustProxyHops), userAgent: ctx.extra.request.headers['user-agent'] },
          // Checked again for every operation, so a session ended after connecting can't start new ones.
          authorization: ctx.extra.authorization,
        }).catch((error: unknown) => {
          // graphql-ws closes the socket with 4500 and the message; the operator sees why here.
          if (!(error instanceof AppError)) log.error({ err: error, requestId }, 'graphql-ws subscription failed to start');
          throw error;
        });
        try {
          guardOperation({ schema, document, operationName: payload.operationName, variables: payload.variables, principal: contextValue.principal });
        } catch (error) {
          if (error instanceof AppError) return [requestError(error)];
          throw error;
        }
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
    },
    wss,
  );
  return {
    wss,
    async dispose() {
      clearInterval(sweep);
      stopListening();
      await cleanup.dispose();
    },
  };
}
