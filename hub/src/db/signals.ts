/**
 * Signals between hub processes that share one database: "there is new work", "cancel this job on
 * the node you hold", "this node changed", "this credential was revoked". They are internal
 * wake-ups, not what users subscribe to (that is pubsub.ts), but they travel on the same hub channel
 * (events/hub-channel.ts: LISTEN/NOTIFY with PostgreSQL, in process on the PGlite fallback). A hub
 * hears its own signals at once, in process, and ignores their echo from the database.
 */
import { EventEmitter } from 'node:events';
import type { HubChannel } from '../events/hub-channel.js';
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
  /** A deployment's replicas changed (placed, ready, lost, stopped): reload its ready replicas. */
  replicasChanged: { deploymentId: string };
  /** A model's alias was pointed at another version: the deployments following it roll over. */
  aliasMoved: { modelId: string; alias: string };
};

const KINDS: ReadonlySet<string> = new Set<keyof SignalMap>(['jobs', 'jobCanceled', 'nodeChanged', 'nodeTokenRevoked', 'notificationsAdded', 'credentialRevoked', 'replicasChanged', 'aliasMoved']);

export interface Signals {
  readonly instanceId: string;
  emit<K extends keyof SignalMap>(kind: K, payload: SignalMap[K]): void;
  on<K extends keyof SignalMap>(kind: K, listener: (payload: SignalMap[K]) => void): () => void;
  close(): Promise<void>;
}

export function createSignals(channel: HubChannel, log: Logger): Signals {
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const stop = channel.on('signal', (data) => {
    const { kind, payload } = (data ?? {}) as { kind?: unknown; payload?: unknown };
    if (typeof kind === 'string' && KINDS.has(kind)) local.emit(kind, payload);
    else log.warn({ kind }, 'ignored an unknown signal');
  });
  return {
    instanceId: channel.instanceId,
    emit(kind, payload) {
      local.emit(kind, payload);
      channel.send('signal', { kind, payload });
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
      stop();
      local.removeAllListeners();
    },
  };
}
