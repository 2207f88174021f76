/**
 * One connected agent, as the hub's scheduler sees it: its node, its free slots, the jobs it holds
 * (job id → attempt), and how fast it is.
 */
import type { WebSocket } from 'ws';
import { encodeFrame, type HubToAgent } from '../../../schema/index.js';

export class AgentSession {
  readonly held = new Map<string, number>();
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
    public slots: number,
    public gflops: number | null,
    private readonly limits = { burst: 200, perSecond: 100 },
  ) {
    this.tokens = limits.burst;
  }

  get freeSlots(): number {
    return this.draining ? 0 : Math.max(0, this.slots - this.held.size);
  }

  send(message: HubToAgent): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(encodeFrame(message));
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
