/**
 * Signals between hub processes that share one database: "there is new work", "cancel this job on
 * the node you hold", "this node changed", "this credential was revoked". With PostgreSQL
 * (DATABASE_URL or the embedded server) they travel by LISTEN/NOTIFY on one channel; on the PGlite
 * fallback there is only one hub, so they stay in process (PGlite's NOTIFY does not cross
 * connections anyway). A hub hears its own signals at once, in process, and ignores
 * their echo from the database.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from '../logger.js';

export type SignalMap = {
  /** Jobs became claimable (queued, requeued, released, or a node freed up). */
  jobs: Record<string, never>;
  /** A job was canceled while leased to this node. */
  jobCanceled: { jobId: string; nodeId: string; attempt: number };
  /** A node's state changed (disabled, quarantined, deleted, draining, enabled). */
  nodeChanged: { nodeId: string };
  /** A node token was revoked: the hub holding that node's socket closes it. */
  nodeTokenRevoked: { tokenId: string };
  /** Notifications of one event were committed: push them to live subscribers, wake the webhook workers. */
  notificationsAdded: { eventId: string };
  /** A session was ended or an API key revoked: close the live connections opened with it. */
  credentialRevoked: { credentialId: string };
};

const CHANNEL = 'aimass_signals';

export interface Signals {
  readonly instanceId: string;
  emit<K extends keyof SignalMap>(kind: K, payload: SignalMap[K]): void;
  on<K extends keyof SignalMap>(kind: K, listener: (payload: SignalMap[K]) => void): () => void;
  close(): Promise<void>;
}

export async function createSignals(databaseUrl: string | undefined, log: Logger): Promise<Signals> {
  const instanceId = randomUUID();
  const local = new EventEmitter();
  local.setMaxListeners(0);
  let listener: pg.Client | undefined;
  if (databaseUrl) {
    listener = new pg.Client({ connectionString: databaseUrl });
    await listener.connect();
    await listener.query(`LISTEN ${CHANNEL}`);
    listener.on('notification', (message) => {
      try {
        const { from, kind, payload } = JSON.parse(message.payload ?? '{}');
        if (from !== instanceId) local.emit(kind, payload);
      } catch (error) {
        log.warn({ err: error }, 'ignored a malformed signal');
      }
    });
    listener.on('error', (error) => log.error({ err: error }, 'signal listener failed'));
  }
  return {
    instanceId,
    emit(kind, payload) {
      local.emit(kind, payload);
      if (listener) {
        listener
          .query(`SELECT pg_notify($1, $2)`, [CHANNEL, JSON.stringify({ from: instanceId, kind, payload })])
          .catch((error) => log.warn({ err: error }, 'could not send a signal'));
      }
    },
    on(kind, fn) {
      const safe = (payload: SignalMap[typeof kind]) => {
        try {
          fn(payload as never);
        } catch (error) {
          log.error({ err: error, signal: kind }, 'signal listener threw');
        }
      };
      local.on(kind, safe);
      return () => local.off(kind, safe);
    },
    async close() {
      local.removeAllListeners();
      await listener?.end();
    },
  };
}
