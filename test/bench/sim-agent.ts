/**
 * A simulated agent for the benchmark: a raw `ws` client speaking schema/agent-protocol.ts, with no
 * TF.js and no worker threads, so what is measured is the hub, not the agent. It says hello with a
 * node token, heartbeats at the interval the hub asks for, and answers every `job.assign` at once
 * with `job.started` and `job.succeeded` (a valid echo result).
 *
 * Pacing: the hub allows an agent 100 frames a second (burst 200) and silently drops the rest
 * (AgentSession.takeFrame). A dropped `job.succeeded` leaves the job leased until its lease
 * expires, so by default these agents keep under that limit with a client-side token bucket of
 * their own (slightly below the hub's). `pace: null` turns that off.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type AgentToHub, type HubToAgent } from '../../schema/index.js';

export interface Pace {
  burst: number;
  perSecond: number;
}

/** A little under the hub's limit (burst 200, 100 a second): clocks and timers are not exact. */
export const DEFAULT_PACE: Pace = { burst: 180, perSecond: 90 };

export interface SimAgentOptions {
  slots?: number;
  pace?: Pace | null;
  /** Called with the arrival time (performance.now()) of every job.assign, before it is answered. */
  onAssign?: (jobId: string, at: number) => void;
}

export class SimAgent {
  nodeId = '';
  heartbeatSeconds = 0;
  /** job.assign frames received. */
  assigned = 0;
  /** Frames waiting for the pacer. */
  readonly backlog: string[] = [];
  readonly errors: string[] = [];
  private readonly held = new Map<string, number>();
  private socket: WebSocket | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private tokens: number;
  private refilledAt = performance.now();

  constructor(
    private readonly wsUrl: string,
    private readonly token: string,
    private readonly options: SimAgentOptions = {},
  ) {
    this.tokens = options.pace?.burst ?? 0;
  }

  /** Connects and resolves once welcomed; rejects on an error frame or an early close. */
  connect(timeoutMs = 20_000): Promise<void> {
    const socket = new WebSocket(this.wsUrl);
    this.socket = socket;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('simulated agent: no welcome in time')), timeoutMs);
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.on('close', (code) => {
        clearTimeout(timer);
        clearInterval(this.heartbeat);
        clearTimeout(this.flushTimer);
        reject(new Error(`simulated agent: socket closed (${code}) before welcome`));
      });
      socket.on('open', () => {
        socket.send(
          JSON.stringify({
            type: 'hello',
            protocolVersion: PROTOCOL_VERSION,
            token: this.token,
            agentVersion: 'bench',
            capabilities: { backend: 'cpu', cpuCores: 1, memoryBytes: 1e9, gpu: null, slots: this.options.slots ?? 1, labels: [] },
            running: [],
          } satisfies AgentToHub),
        );
      });
      socket.on('message', (data) => {
        const at = performance.now();
        const message = JSON.parse(data.toString()) as HubToAgent;
        switch (message.type) {
          case 'welcome':
            clearTimeout(timer);
            this.nodeId = message.nodeId;
            this.heartbeatSeconds = message.heartbeatSeconds;
            // The hub's bucket starts full when the session is made, i.e. now.
            this.tokens = this.options.pace?.burst ?? 0;
            this.refilledAt = performance.now();
            // The first heartbeat at a random point of the interval: a fleet's agents connect at
            // different times, so their heartbeats are spread over it. Here they all connect within
            // a second, and 200 heartbeats at once every 15 s would put the fleet's whole CPU for
            // an interval into whichever window of a measurement the burst falls in.
            this.heartbeat = setTimeout(() => {
              this.sendHeartbeat();
              this.heartbeat = setInterval(() => this.sendHeartbeat(), message.heartbeatSeconds * 1000);
            }, Math.random() * message.heartbeatSeconds * 1000);
            resolve();
            break;
          case 'job.assign':
            this.assigned++;
            this.options.onAssign?.(message.jobId, at);
            this.held.set(message.jobId, message.attempt);
            this.send({ type: 'job.started', jobId: message.jobId, attempt: message.attempt });
            this.send({ type: 'job.succeeded', jobId: message.jobId, attempt: message.attempt, result: { steps: 1 } });
            this.held.delete(message.jobId);
            break;
          case 'job.cancel':
            this.held.delete(message.jobId);
            break;
          case 'error':
            this.errors.push(`${message.code}: ${message.message}`);
            if (message.fatal) {
              clearTimeout(timer);
              reject(new Error(`simulated agent refused: ${message.code}: ${message.message}`));
            }
            break;
        }
      });
    });
  }

  private sendHeartbeat(): void {
    this.send({ type: 'heartbeat', load: 0, running: [...this.held].map(([jobId, attempt]) => ({ jobId, attempt })), replicas: [] });
  }

  private send(message: AgentToHub): void {
    this.backlog.push(JSON.stringify(message));
    this.flush();
  }

  private flush(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const pace = this.options.pace;
    if (!pace) {
      for (const frame of this.backlog.splice(0)) socket.send(frame);
      return;
    }
    const now = performance.now();
    this.tokens = Math.min(pace.burst, this.tokens + ((now - this.refilledAt) / 1000) * pace.perSecond);
    this.refilledAt = now;
    while (this.backlog.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      socket.send(this.backlog.shift()!);
    }
    if (this.backlog.length > 0 && !this.flushTimer) {
      const waitMs = Math.ceil(((1 - this.tokens) / pace.perSecond) * 1000);
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.flush();
      }, waitMs);
    }
  }

  /** Closes the socket and resolves when it is closed. */
  close(): Promise<void> {
    clearInterval(this.heartbeat);
    clearTimeout(this.flushTimer);
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.terminate();
        resolve();
      }, 3000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.close(1000);
    });
  }
}
