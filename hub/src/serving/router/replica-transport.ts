/**
 * How a request reaches a replica's agent and its answer comes back: straight over the agent's
 * socket when it is connected to this hub (agent-transport.ts), through the hub holding it
 * otherwise (hub-transport.ts). The router decides what to send where and what an outcome means.
 */
import type { AgentToHub, Message, RawRecord } from '../../../../schema/index.js';

export type InferResult = Message<AgentToHub, 'infer.result'>;

/** What comes of one request sent to one replica. */
export type Outcome =
  /** The agent's infer.result, not yet checked. */
  | { kind: 'answer'; result: InferResult }
  /** It will never be answered: the agent is not there or left, the replica does not serve there. Nothing ran. */
  | { kind: 'lost'; reason: string };

export interface ReplicaAddress {
  jobId: string;
  attempt: number;
  nodeId: string;
  /** The hub process holding the agent's socket. */
  hubInstance: string;
}

export interface OutgoingRequest {
  requestId: string;
  records: RawRecord[];
  /** Milliseconds left before the deadline, for the agent to drop the work past it. */
  deadlineMs: number;
}

export interface ReplicaTransport {
  /** Sends the request; `settle` is called at most once (possibly before send returns). */
  send(replica: ReplicaAddress, request: OutgoingRequest, settle: (outcome: Outcome) => void): void;
  /** The router stopped waiting (deadline, replica gone): `settle` is not called any more, a late answer is dropped quietly. */
  abandon(requestId: string): void;
}
