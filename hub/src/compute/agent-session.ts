/**
 * One connected agent, as the hub's scheduler sees it: its node, its free slots, the jobs it holds
 * (job id → attempt), and how fast it is — by what the hub measured (nodes.service.ts), not by
 * what it claims: it gets at most the concurrency it proved, and its claimed GFLOP/s only breaks
 * ties between nodes the hub has measured alike.
 */
import type { WebSocket } from 'ws';
import { encodeFrame, sendGathered, type FrameSocket, type HubToAgent } from '../../../schema/index.js';
import type { NodeBehaviour } from './nodes.service.js';

export class AgentSession {
  readonly held = new Map<string, number>();
  /** When each held job was handed out (ms), to tell a give-back within seconds. */
  readonly assignedAt = new Map<string, number>();
  /**
   * What each job handed out in this session is, from its claim: its kind, and its work in
   * reference seconds (job-kinds.ts `work`), so its reports need no read to know them. Jobs kept
   * across a reconnect have no entry; their reports read the job.
   */
  readonly dispatched = new Map<string, { kind: string; work: number | undefined }>();
  /**
   * Held jobs that are serving replicas (kind `serve`): long-lived and mostly waiting for requests,
   * they take no slot, or one replica would keep a one-slot node from every other job for good.
   */
  readonly serving = new Set<string>();
  draining = false;
  /** Frames allowed right now (token bucket: `burst` deep, refilled at `perSecond`). */
  private tokens: number;
  private refilledAt = Date.now();
  private lastHeartbeatAt = 0;

  constructor(
    readonly socket: WebSocket,
    readonly nodeId: string,
    readonly ownerId: string,
    readonly name: string,
    /** Slots the agent says it has. */
    public claimedSlots: number,
    /** Claimed: the benchmark result the agent reported. */
    public gflops: number | null,
    public behaviour: NodeBehaviour = { measuredSpeed: null, provenSlots: 1, flagged: false, throttledUntil: null },
    private readonly limits = { burst: 200, perSecond: 100 },
  ) {
    this.tokens = limits.burst;
  }

  /** Slots the hub uses: what it claims, capped by what it proved. */
  get slots(): number {
    return Math.max(1, Math.min(this.claimedSlots, this.behaviour.provenSlots));
  }

  get throttled(): boolean {
    return this.behaviour.throttledUntil !== null && this.behaviour.throttledUntil.getTime() > Date.now();
  }

  get freeSlots(): number {
    if (this.draining || this.throttled) return 0;
    let replicas = 0;
    for (const id of this.serving) {
      if (this.held.has(id)) replicas++;
      else this.serving.delete(id);
    }
    return Math.max(0, this.slots - (this.held.size - replicas));
  }

  /** Measured speed; a node not measured yet counts as a typical one (1). */
  get speed(): number {
    return this.behaviour.measuredSpeed ?? 1;
  }

  /**
   * Dispatch order: unflagged before flagged (claims that disagree with measurements lose
   * priority), then measured speed, then — only between nodes measured alike — claimed GFLOP/s.
   */
  preferredTo(other: AgentSession): boolean {
    if (this.behaviour.flagged !== other.behaviour.flagged) return !this.behaviour.flagged;
    if (this.speed !== other.speed) return this.speed > other.speed;
    return (this.gflops ?? -1) > (other.gflops ?? -1);
  }

  send(message: HubToAgent): void {
    if (this.socket.readyState === this.socket.OPEN) sendGathered(this.socket as unknown as FrameSocket, encodeFrame(message));
  }

  /** False when the agent sends frames faster than any honest agent would. */
  takeFrame(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.limits.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.limits.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private floodLoggedAt = 0;

  /** True at most once a minute, so a flood is logged without the log becoming the flood. */
  shouldLogFlood(): boolean {
    if (Date.now() - this.floodLoggedAt < 60_000) return false;
    this.floodLoggedAt = Date.now();
    return true;
  }

  /**
   * Heartbeats are acted on at most once per 0.8 s (a little under the shortest interval, since
   * timers fire a few ms early); a flood of them is ignored, not written.
   */
  takeHeartbeat(): boolean {
    const now = Date.now();
    if (now - this.lastHeartbeatAt < 800) return false;
    this.lastHeartbeatAt = now;
    return true;
  }
}
