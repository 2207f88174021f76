/**
 * Requests to replicas whose agent is connected to another hub on the same database: carried on
 * the hub channel (events/hub-channel.ts, kind `inference`) to the hub named by the replica's
 * `hubInstance`, which sends them to its agent (agent-transport.ts) and carries the outcome back
 * to the asking hub. Every message names the one hub it is for; the others drop it. Messages over
 * the channel's inline limit (many records) are spilled to its table by the channel itself.
 *
 * The asking hub's deadline bounds the wait: a hub that went away answers nothing, and the router
 * gives up at the deadline (or when the directory says the replica is gone). The relaying hub gives
 * up on its agent a little after the deadline it passed on, so nothing it holds outlives it.
 */
import { z } from 'zod';
import { inferResult, rawRecord } from '../../../../schema/index.js';
import type { HubChannel } from '../../events/hub-channel.js';
import type { Logger } from '../../logger.js';
import type { AgentTransport } from './agent-transport.js';
import type { RouterClock } from './router-clock.js';
import type { OutgoingRequest, Outcome, ReplicaAddress, ReplicaTransport } from './replica-transport.js';

/** How long after the deadline the relaying hub still waits for its agent's answer. */
const RELAY_GRACE_MS = 1_000;

const id = z.string().min(1).max(64);
const hubMessage = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('request'),
    to: id,
    from: id,
    requestId: id,
    nodeId: id,
    jobId: id,
    attempt: z.number().int().min(1),
    records: z.array(rawRecord).min(1),
    deadlineMs: z.number().int().min(1),
  }),
  z.object({ op: z.literal('answer'), to: id, from: id, requestId: id, result: inferResult }),
  z.object({ op: z.literal('lost'), to: id, from: id, requestId: id, reason: z.string().max(500) }),
  z.object({ op: z.literal('abandon'), to: id, from: id, requestId: id }),
]);
type HubMessage = z.infer<typeof hubMessage>;

interface Pending {
  hub: string;
  settle: (outcome: Outcome) => void;
}

export class HubTransport implements ReplicaTransport {
  private readonly pending = new Map<string, Pending>();
  /** Requests relayed for other hubs: request id → the asking hub and the timer giving up on them. */
  private readonly relayed = new Map<string, { hub: string; cancel: () => void }>();
  private stop: (() => void) | undefined;

  constructor(
    private readonly channel: HubChannel,
    private readonly local: AgentTransport,
    private readonly clock: RouterClock,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.stop ??= this.channel.on('inference', (data) => this.receive(data));
  }

  close(): void {
    this.stop?.();
    this.stop = undefined;
    for (const [requestId, relay] of this.relayed) {
      relay.cancel();
      this.local.abandon(requestId);
    }
    this.relayed.clear();
  }

  send(replica: ReplicaAddress, request: OutgoingRequest, settle: (outcome: Outcome) => void): void {
    if (!this.channel.crossesHubs) {
      settle({ kind: 'lost', reason: 'the replica is on another hub, and this hub reaches none' });
      return;
    }
    this.pending.set(request.requestId, { hub: replica.hubInstance, settle });
    this.post({
      op: 'request',
      to: replica.hubInstance,
      from: this.channel.instanceId,
      requestId: request.requestId,
      nodeId: replica.nodeId,
      jobId: replica.jobId,
      attempt: replica.attempt,
      records: request.records,
      deadlineMs: request.deadlineMs,
    });
  }

  abandon(requestId: string): void {
    const pending = this.pending.get(requestId);
    if (!pending) return;
    this.pending.delete(requestId);
    this.post({ op: 'abandon', to: pending.hub, from: this.channel.instanceId, requestId });
  }

  private post(message: HubMessage): void {
    this.channel.send('inference', message);
  }

  private receive(data: unknown): void {
    // Cheap test first: most messages are for another hub.
    if ((data as { to?: unknown } | null)?.to !== this.channel.instanceId) return;
    const parsed = hubMessage.safeParse(data);
    if (!parsed.success) {
      this.log.warn({ problem: parsed.error.issues[0]?.message }, 'ignored a malformed inference message from another hub');
      return;
    }
    const message = parsed.data;
    switch (message.op) {
      case 'request':
        return this.relay(message);
      case 'abandon': {
        const relay = this.relayed.get(message.requestId);
        if (!relay || relay.hub !== message.from) return;
        relay.cancel();
        this.relayed.delete(message.requestId);
        this.local.abandon(message.requestId);
        return;
      }
      case 'answer':
      case 'lost': {
        const pending = this.pending.get(message.requestId);
        if (!pending || pending.hub !== message.from) return;
        this.pending.delete(message.requestId);
        pending.settle(message.op === 'answer' ? { kind: 'answer', result: message.result } : { kind: 'lost', reason: message.reason });
        return;
      }
    }
  }

  private relay(message: Extract<HubMessage, { op: 'request' }>): void {
    const { requestId, from } = message;
    if (this.relayed.has(requestId)) return;
    const cancel = this.clock.setTimer(() => {
      this.relayed.delete(requestId);
      this.local.abandon(requestId);
    }, message.deadlineMs + RELAY_GRACE_MS);
    this.relayed.set(requestId, { hub: from, cancel });
    const replica = { jobId: message.jobId, attempt: message.attempt, nodeId: message.nodeId, hubInstance: this.channel.instanceId };
    this.local.send(replica, { requestId, records: message.records, deadlineMs: message.deadlineMs }, (outcome) => {
      const relay = this.relayed.get(requestId);
      if (!relay) return;
      relay.cancel();
      this.relayed.delete(requestId);
      const back = { to: from, from: this.channel.instanceId, requestId };
      this.post(outcome.kind === 'answer' ? { op: 'answer', ...back, result: outcome.result } : { op: 'lost', ...back, reason: outcome.reason });
    });
  }
}
