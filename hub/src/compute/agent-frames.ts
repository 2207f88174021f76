/**
 * Frames about serving replicas (`replica.ready`, `infer.result`, the `replicas` of a heartbeat)
 * arrive at compute's agent gateway but belong to the serving domain, which registers its handlers
 * here when it is built: compute names no domain above it. Each frame has passed parseFrame and the
 * sender's frame budget; the handlers check it is about a replica the sending node holds.
 */
import type { AgentToHub, Message, ReplicaLoad } from '../../../schema/index.js';
import type { AgentSession } from './agent-session.js';

export type ReplicaFrame = Message<AgentToHub, 'replica.ready' | 'infer.result'>;

export interface AgentFrameHandler {
  /**
   * A replica frame from a connected agent. True: handled; false: it names a job or request this
   * node does not hold (the gateway refuses it NOT_LEASED); undefined: not this handler's.
   */
  frame?(session: AgentSession, message: ReplicaFrame): Promise<boolean | undefined> | boolean | undefined;
  /** The replicas' load from each heartbeat the scheduler accepted (after the leases were renewed). */
  heartbeat?(session: AgentSession, replicas: ReplicaLoad[]): Promise<void> | void;
  /** The agent's connection closed (its leases last until they expire; its requests do not). */
  disconnected?(session: AgentSession): void;
  /**
   * Whether an `infer.result` for `requestId` answers a request this hub sent that node and still
   * waits for it: such frames pass even when the sender is over its frame budget (their number is
   * bounded by the requests the hub sent), like a final job report.
   */
  awaits?(session: AgentSession, requestId: string): boolean;
}

export class AgentFrames {
  private readonly handlers: AgentFrameHandler[] = [];

  register(handler: AgentFrameHandler): void {
    this.handlers.push(handler);
  }

  async frame(session: AgentSession, message: ReplicaFrame): Promise<boolean> {
    for (const handler of this.handlers) {
      const handled = await handler.frame?.(session, message);
      if (handled !== undefined) return handled;
    }
    return false;
  }

  async heartbeat(session: AgentSession, replicas: ReplicaLoad[]): Promise<void> {
    for (const handler of this.handlers) await handler.heartbeat?.(session, replicas);
  }

  disconnected(session: AgentSession): void {
    for (const handler of this.handlers) handler.disconnected?.(session);
  }

  awaits(session: AgentSession, requestId: string): boolean {
    return this.handlers.some((handler) => handler.awaits?.(session, requestId) === true);
  }
}
