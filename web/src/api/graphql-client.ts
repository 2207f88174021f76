/**
 * Talking GraphQL to the hub: {@link request} over HTTP POST (GraphQL over HTTP, JSON) and
 * {@link subscribe} over one graphql-ws connection
 * (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md). Both carry the current
 * session token: `Authorization: Bearer …` on HTTP, `connectionParams.authorization` on the socket.
 * When the session changes, the socket is replaced and live subscriptions move to the new one.
 */
import { createClient, type Client } from 'graphql-ws';
import type { Document } from './document';
import { GraphQLRequestError } from './graphql-request-error';
import { clearSession, getToken, onSessionChange } from './session';

export type Variables = Record<string, unknown>;

const ENDPOINT = '/graphql';

/**
 * Runs a query or mutation and resolves with its `data`; rejects with a GraphQLRequestError.
 * A request made with a token the hub no longer accepts (UNAUTHENTICATED) ends the session, so
 * the portal sends the user to log in again.
 */
export async function request<TData, TVariables extends Variables>(query: Document<TData, TVariables>, variables?: TVariables): Promise<TData> {
  const token = getToken();
  const headers: Record<string, string> = {
    // Apollo's CSRF prevention accepts only requests that a simple form could not send.
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
  };
  if (token) headers.authorization = `Bearer ${token}`;

  let response: Response;
  try {
    response = await fetch(ENDPOINT, { method: 'POST', headers, body: JSON.stringify({ query, variables: variables ?? {} }) });
  } catch {
    throw new GraphQLRequestError('NETWORK', 'The hub cannot be reached. Check your connection and try again.');
  }
  let body: { data?: TData | null; errors?: unknown[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new GraphQLRequestError('NETWORK', `The hub answered ${response.status} without a GraphQL result.`);
  }
  if (body.errors && body.errors.length > 0) {
    const error = GraphQLRequestError.fromErrors(body.errors);
    if (error.code === 'UNAUTHENTICATED' && token && token === getToken()) clearSession();
    throw error;
  }
  if (body.data == null) throw new GraphQLRequestError('INTERNAL', 'The hub returned no data.');
  return body.data;
}

export interface SubscriptionHandlers<TData> {
  next(data: TData): void;
  /** A GraphQL error for this operation, or the connection giving up. */
  error?(error: GraphQLRequestError): void;
}

/**
 * Starts a subscription and returns a function that stops it. It survives reconnects and
 * session changes (it is restarted on the new socket, with the new token).
 */
export function subscribe<TData, TVariables extends Variables>(
  query: Document<TData, TVariables>,
  variables: TVariables | undefined,
  onNext: SubscriptionHandlers<TData>['next'] | SubscriptionHandlers<TData>,
): () => void {
  const handlers: SubscriptionHandlers<TData> = typeof onNext === 'function' ? { next: onNext } : onNext;
  const entry: Active = {
    payload: { query, variables: variables ?? {} },
    handlers: handlers as SubscriptionHandlers<unknown>,
    stop: undefined,
  };
  active.add(entry);
  start(entry);
  return () => {
    active.delete(entry);
    entry.stop?.();
    entry.stop = undefined;
    if (active.size === 0) dropClient();
  };
}

interface Active {
  payload: { query: string; variables: Variables };
  handlers: SubscriptionHandlers<unknown>;
  /** Stops the current run; each run ignores anything it hears after being stopped. */
  stop: (() => void) | undefined;
}

const active = new Set<Active>();
let client: Client | undefined;

/** The hub's graphql-ws endpoint, on the origin the portal was loaded from. */
function socketUrl(): string {
  const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${window.location.host}${ENDPOINT}`;
}

/** Close code the hub uses when ConnectionInit carries a credential it does not accept. */
const FORBIDDEN = 4403;

function getClient(): Client {
  client ??= createClient({
    url: socketUrl(),
    lazy: true,
    // Read on every (re)connect, so a reconnect always presents the current token.
    connectionParams: () => {
      const token = getToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    keepAlive: 20_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    // Keep trying through restarts and network trouble; a refused credential will not heal.
    shouldRetry: (event) => !(isCloseEvent(event) && event.code === FORBIDDEN),
  });
  return client;
}

function dropClient(): void {
  const old = client;
  client = undefined;
  // dispose() awaits the pending connection and rejects with its CloseEvent if that failed
  // (e.g. the socket was closing anyway); there is nothing left to clean up then.
  Promise.resolve(old?.dispose()).catch(() => {});
}

function start(entry: Active): void {
  let stopped = false;
  const stopRun = getClient().subscribe<unknown>(entry.payload, {
    next: (result) => {
      if (stopped) return;
      if (result.errors && result.errors.length > 0) entry.handlers.error?.(GraphQLRequestError.fromErrors(result.errors));
      else if (result.data != null) entry.handlers.next(result.data);
    },
    error: (error) => {
      if (stopped) return;
      entry.handlers.error?.(toRequestError(error));
    },
    complete: () => {},
  });
  entry.stop = () => {
    stopped = true;
    stopRun();
  };
}

function toRequestError(error: unknown): GraphQLRequestError {
  if (Array.isArray(error)) return GraphQLRequestError.fromErrors(error);
  if (isCloseEvent(error)) {
    return error.code === FORBIDDEN
      ? new GraphQLRequestError('UNAUTHENTICATED', 'The hub refused this session for live updates; log in again.')
      : new GraphQLRequestError('NETWORK', `Live updates disconnected (${error.code}${error.reason ? `: ${error.reason}` : ''}).`);
  }
  return new GraphQLRequestError('NETWORK', 'Live updates are unavailable: the hub cannot be reached.');
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && typeof (value as { code: unknown }).code === 'number';
}

// A new session means a new socket: the old one is authenticated as someone else (or nobody).
onSessionChange(() => {
  for (const entry of active) entry.stop?.();
  dropClient();
  for (const entry of active) start(entry);
});
