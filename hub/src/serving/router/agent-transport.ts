/**
 * Requests to replicas whose agent is connected to this hub: an `infer.request` frame on the
 * agent's socket, its `infer.result` matched back through compute's AgentFrames. An answer is
 * taken only from the connection the request was sent on and only for the replica it named (else
 * the gateway refuses it NOT_LEASED); a closed connection loses its requests at once.
 */
import type { AgentFrameHandler, AgentSession, ReplicaFrame } from '../../compute/index.js';
import type { OutgoingRequest, Outcome, ReplicaAddress, ReplicaTransport } from './replica-transport.js';

/** The part of compute's scheduler this needs: who is connected here. */
export interface AgentSessions {
  session(nodeId: string): AgentSession | undefined;
}

interface Pending {
  session: AgentSession;
  jobId: string;
  settle: (outcome: Outcome) => void;
}

/** Answers given up on are remembered (that many at most) so one arriving late is dropped quietly, not refused. */
const LATE_KEPT = 10_000;

export class AgentTransport implements ReplicaTransport, AgentFrameHandler {
  private readonly pending = new Map<string, Pending>();
  private readonly bySession = new Map<AgentSession, Set<string>>();
  private readonly late = new Map<string, AgentSession>();

  constructor(private readonly sessions: AgentSessions) {}

  /** Requests waiting for an answer. */
  get size(): number {
    return this.pending.size;
  }

  send(replica: ReplicaAddress, request: OutgoingRequest, settle: (outcome: Outcome) => void): void {
    const session = this.sessions.session(replica.nodeId);
    if (!session || session.socket.readyState !== session.socket.OPEN) {
      settle({ kind: 'lost', reason: 'the agent is not connected' });
      return;
    }
    if (session.held.get(replica.jobId) !== replica.attempt) {
      settle({ kind: 'lost', reason: 'the agent does not hold the replica' });
      return;
    }
    this.pending.set(request.requestId, { session, jobId: replica.jobId, settle });
    let ids = this.bySession.get(session);
    if (!ids) this.bySession.set(session, (ids = new Set()));
    ids.add(request.requestId);
    session.send({ type: 'infer.request', requestId: request.requestId, jobId: replica.jobId, records: request.records, deadlineMs: request.deadlineMs });
  }

  abandon(requestId: string): void {
    const pending = this.take(requestId);
    if (!pending) return;
    this.late.set(requestId, pending.session);
    if (this.late.size > LATE_KEPT) this.late.delete(this.late.keys().next().value as string);
  }

  frame(session: AgentSession, message: ReplicaFrame): boolean | undefined {
    if (message.type !== 'infer.result') return undefined;
    const pending = this.pending.get(message.requestId);
    if (!pending) {
      if (this.late.get(message.requestId) !== session) return false;
      this.late.delete(message.requestId);
      return true;
    }
    if (pending.session !== session || pending.jobId !== message.jobId) return false;
    this.take(message.requestId);
    pending.settle({ kind: 'answer', result: message });
    return true;
  }

  awaits(session: AgentSession, requestId: string): boolean {
    return (this.pending.get(requestId)?.session ?? this.late.get(requestId)) === session;
  }

  disconnected(session: AgentSession): void {
    const ids = this.bySession.get(session);
    if (!ids) return;
    this.bySession.delete(session);
    for (const id of ids) {
      const pending = this.pending.get(id);
      this.pending.delete(id);
      pending?.settle({ kind: 'lost', reason: 'the agent disconnected' });
    }
    for (const [id, holder] of this.late) if (holder === session) this.late.delete(id);
  }

  private take(requestId: string): Pending | undefined {
    const pending = this.pending.get(requestId);
    if (!pending) return undefined;
    this.pending.delete(requestId);
    const ids = this.bySession.get(pending.session);
    ids?.delete(requestId);
    if (ids?.size === 0) this.bySession.delete(pending.session);
    return pending;
  }
}
