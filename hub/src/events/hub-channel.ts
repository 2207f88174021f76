/**
 * The one channel between hub processes that share a database: live events (pubsub.ts) and
 * internal signals (db/signals.ts) both travel on it. With PostgreSQL (DATABASE_URL or the embedded
 * server) it is LISTEN/NOTIFY on {@link CHANNEL}, through one connection of its own per hub; on the
 * PGlite fallback there is only one hub (and PGlite's NOTIFY does not cross connections), so
 * nothing leaves the process. The channel carries messages to the OTHER hubs only: the layers above
 * deliver to their own process at once, and the echo of a hub's own message (NOTIFY reaches every
 * listener, the sender included) is recognized by its `from` and dropped.
 *
 * Sizes. PostgreSQL refuses a NOTIFY payload of 8000 bytes or more, and events carry whole rows
 * (a job with its JSON payload and result can be any size). A message whose text fits in
 * {@link INLINE_LIMIT_BYTES} travels inline. A larger one is written to `aimass_private.hub_events`
 * and only its id is notified, in the same statement, so the row is committed before any hub hears
 * of it; each receiving hub reads it back. Rows are deleted {@link KEEP_SPILLED} after they were
 * written: every hub that was listening has read them long before. Inline is the common case (an
 * epoch, a node, a model event are a few hundred bytes) and costs no write.
 *
 * Order. A hub handles the messages it hears one after the other, a spilled one included (its row is
 * read before the next message is delivered), so subscribers see one hub's events in the order that
 * hub sent them.
 *
 * Alone. A hub sends nothing while no other hub listens on its database: every hub that starts
 * listening (or listens again after losing its connection) counts the other hubs' listening
 * connections in `pg_stat_activity` (by {@link APPLICATION_NAME}), and when there are any it says
 * `hello` and waits — at most {@link HELLO_WAIT_MS} — until each has answered `here`. A hub that
 * hears a `hello` starts sending before it answers, so once a hub is ready every hub already
 * sending to it does. Every {@link RECOUNT_MS} each hub counts again, to stop after the others
 * have gone. A single hub (the common deployment) so spends no NOTIFY, no commit and no decoding
 * of its own echo on each event and signal it publishes.
 *
 * Failures. Sending is fire-and-forget: a hub that cannot reach the database logs a warning and goes
 * on (its own process has the message already). A lost listening connection is opened again with
 * a growing delay; what other hubs sent meanwhile is not heard (the notification inbox and webhooks,
 * which must not be lost, are rows written in the change's transaction: notifications/fan-out.ts).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { decode, encode } from './wire.js';

export const CHANNEL = 'aimass_events';
/** The listening connection's application_name. */
export const APPLICATION_NAME = 'aimass-hub-channel';
/** Bigger messages are spilled to the events table (PostgreSQL's NOTIFY limit is 8000 bytes, with room for the envelope). */
export const INLINE_LIMIT_BYTES = 7_500;
/** How long a spilled message's row is kept. */
export const KEEP_SPILLED = '5 minutes';
const PRUNE_EVERY_MS = 60_000;
const QUERY_TIMEOUT_MS = 10_000;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;
/** How long a hub that starts listening waits for the other hubs' answers to its hello. */
export const HELLO_WAIT_MS = 2_000;
/** How often a hub counts the other hubs' listening connections. */
export const RECOUNT_MS = 10_000;

/**
 * What travels: live events for GraphQL subscriptions, the hubs' internal signals, and online
 * predictions carried to the hub holding a replica's agent and their answers carried back
 * (serving/router/hub-transport.ts; each names the one hub it is for, the others drop it).
 */
export type MessageKind = 'event' | 'signal' | 'inference';
const KINDS: ReadonlySet<string> = new Set<MessageKind>(['event', 'signal', 'inference']);

export interface HubChannel {
  /** This hub process's id: messages it sent come back with it and are ignored. */
  readonly instanceId: string;
  /** Whether messages reach other hubs (false on PGlite: there is only this one). */
  readonly crossesHubs: boolean;
  /** Whether another hub listens on the database now: while none does, {@link send} sends nothing. */
  readonly othersListening: boolean;
  /** Sends to every other hub; never throws (a failure is logged). */
  send(kind: MessageKind, data: unknown): void;
  /** Hears what other hubs sent (never this hub's own messages). */
  on(kind: MessageKind, listener: (data: unknown) => void): () => void;
  close(): Promise<void>;
}

type Envelope =
  | { from: string; kind: MessageKind; data: unknown }
  | { from: string; ref: number | string }
  // Presence: a hub that starts listening says hello; each other hub answers here, to it.
  | { from: string; hello: true }
  | { from: string; here: string };

const OTHER_LISTENERS = `SELECT count(*)::int AS n FROM pg_stat_activity
  WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()`;

/** The channel of the only hub on a database (PGlite, or printing the schema): nothing leaves the process. */
export function inProcessChannel(): HubChannel {
  return { instanceId: randomUUID(), crossesHubs: false, othersListening: false, send: () => undefined, on: () => () => undefined, close: async () => undefined };
}

/** The channel over PostgreSQL at `databaseUrl`; without one, {@link inProcessChannel}. `recountMs` is for tests. */
export async function createHubChannel(databaseUrl: string | undefined, log: Logger, options: { recountMs?: number } = {}): Promise<HubChannel> {
  if (!databaseUrl) return inProcessChannel();
  const instanceId = randomUUID();
  // Whether another hub listens: nothing is sent while none does (see "Alone" above).
  let othersListen = false;
  let helloHeardAt = 0;
  let answered: { waiting: number; done: () => void } | undefined;
  let recount: NodeJS.Timeout | undefined;
  const listeners = new Map<MessageKind, Set<(data: unknown) => void>>();
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = RECONNECT_MIN_MS;
  let retry: NodeJS.Timeout | undefined;
  let prunedAt = 0;
  let handling: Promise<void> = Promise.resolve();
  // One query at a time on the connection (pg deprecates queueing them on the client).
  let querying: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = querying.then(fn);
    querying = result.catch(() => undefined);
    return result;
  };

  const deliver = (kind: MessageKind, data: unknown) => {
    for (const listener of listeners.get(kind) ?? []) {
      try {
        listener(data);
      } catch (error) {
        log.error({ err: error, kind }, 'a hub channel listener threw');
      }
    }
  };

  const handle = async (on: pg.Client, text: string): Promise<void> => {
    let envelope = decode(text) as Envelope;
    if (envelope.from === instanceId) return;
    if ('hello' in envelope) {
      othersListen = true;
      helloHeardAt = Date.now();
      await exclusive(() => on.query(`SELECT pg_notify($1, $2)`, [CHANNEL, encode({ from: instanceId, here: envelope.from })]));
      return;
    }
    if ('here' in envelope) {
      if (envelope.here === instanceId && answered && --answered.waiting <= 0) answered.done();
      return;
    }
    if ('ref' in envelope) {
      const ref = envelope.ref;
      const { rows } = await exclusive(() => on.query<{ body: string }>(`SELECT body FROM aimass_private.hub_events WHERE id = $1`, [ref]));
      if (!rows[0]) {
        log.warn({ ref: envelope.ref }, 'a spilled hub message was gone before it was read');
        return;
      }
      envelope = decode(rows[0].body) as Envelope;
      if (!('kind' in envelope)) return;
    }
    if (!('kind' in envelope)) return;
    if (KINDS.has(envelope.kind)) deliver(envelope.kind, envelope.data);
  };

  const connect = async (): Promise<void> => {
    // Named, so an operator can tell it apart in pg_stat_activity: it stays open, idle, for the hub's
    // life. Keep-alive notices a dead peer; the query timeout keeps one stuck send from holding the rest.
    const next = new pg.Client({ connectionString: databaseUrl, application_name: APPLICATION_NAME, keepAlive: true, query_timeout: QUERY_TIMEOUT_MS });
    let lost = false;
    const drop = (error?: unknown) => {
      if (lost) return;
      lost = true;
      if (client === next) client = undefined;
      if (closed) return;
      log.error({ err: error }, 'the hub channel lost its database connection; opening it again');
      next.end().catch(() => undefined);
      reconnect();
    };
    next.on('error', drop);
    next.on('end', () => drop());
    next.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      const text = message.payload;
      handling = handling
        .then(() => handle(next, text))
        .catch((error) => log.warn({ err: error }, 'ignored a hub message that could not be read'));
    });
    await next.connect();
    await next.query(`LISTEN ${CHANNEL}`);
    client = next;
    retryMs = RECONNECT_MIN_MS;
    await greet(next);
  };

  /** Counts the other hubs listening; when there are any, says hello and waits for their answers. */
  const greet = async (on: pg.Client): Promise<void> => {
    const others = (await exclusive(() => on.query<{ n: number }>(OTHER_LISTENERS, [APPLICATION_NAME]))).rows[0].n;
    othersListen = others > 0;
    if (others === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const heard = new Promise<void>((resolve) => {
      answered = { waiting: others, done: resolve };
      timer = setTimeout(resolve, HELLO_WAIT_MS);
    });
    await exclusive(() => on.query(`SELECT pg_notify($1, $2)`, [CHANNEL, encode({ from: instanceId, hello: true })]));
    await heard;
    clearTimeout(timer);
    answered = undefined;
  };

  /** Counts again now and then, to stop sending once the other hubs are gone. */
  const scheduleRecount = () => {
    recount = setTimeout(() => {
      const on = client;
      const counted = on ? exclusive(() => on.query<{ n: number }>(OTHER_LISTENERS, [APPLICATION_NAME])) : undefined;
      void counted
        ?.then(({ rows }) => {
          // A hello heard since the last count wins: that hub may have connected after this count.
          if (rows[0].n > 0 || Date.now() - helloHeardAt < (options.recountMs ?? RECOUNT_MS)) othersListen = true;
          else othersListen = false;
        })
        .catch((error) => log.warn({ err: error }, 'the hub channel could not count the other hubs'));
      if (!closed) scheduleRecount();
    }, options.recountMs ?? RECOUNT_MS);
    recount.unref();
  };

  const reconnect = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch((error) => {
        log.warn({ err: error, retryInMs: retryMs }, 'the hub channel could not reconnect');
        retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
        reconnect();
      });
    }, retryMs);
    retry.unref();
  };

  const spill = async (on: pg.Client, text: string): Promise<void> => {
    await on.query(
      `WITH spilled AS (INSERT INTO aimass_private.hub_events (body) VALUES ($2) RETURNING id)
       SELECT pg_notify($1, json_build_object('from', $3::text, 'ref', spilled.id)::text) FROM spilled`,
      [CHANNEL, text, instanceId],
    );
    if (Date.now() - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = Date.now();
    await on.query(`DELETE FROM aimass_private.hub_events WHERE created_at < now() - interval '${KEEP_SPILLED}'`);
  };

  // The first connection is opened before the hub serves: a database it cannot listen on fails the start.
  await connect();
  scheduleRecount();

  return {
    instanceId,
    crossesHubs: true,
    get othersListening() {
      return othersListen;
    },
    send(kind, data) {
      if (!othersListen) return;
      let text: string;
      try {
        text = encode({ from: instanceId, kind, data });
      } catch (error) {
        log.error({ err: error, kind }, 'could not encode a hub message');
        return;
      }
      const on = client;
      if (!on) {
        log.warn({ kind }, 'the hub channel is reconnecting: a message did not reach the other hubs');
        return;
      }
      const sent = exclusive<unknown>(() => (Buffer.byteLength(text) <= INLINE_LIMIT_BYTES ? on.query(`SELECT pg_notify($1, $2)`, [CHANNEL, text]) : spill(on, text)));
      sent.catch((error) => log.warn({ err: error, kind }, 'could not send a message to the other hubs'));
    },
    on(kind, listener) {
      let set = listeners.get(kind);
      if (!set) listeners.set(kind, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      clearTimeout(recount);
      listeners.clear();
      const last = client;
      client = undefined;
      await handling.catch(() => undefined);
      await last?.end().catch(() => undefined);
    },
  };
}
