/**
 * The agent's connection to the hub: connect out (so it works behind NAT), say `hello`, wait for
 * `welcome`, send heartbeats, and reconnect with exponential backoff and jitter when the network
 * drops. A refusal (bad token, wrong protocol version) is final: retrying cannot fix it.
 */
import { EventEmitter } from 'node:events';
import os from 'node:os';
import WebSocket from 'ws';
import {
  encodeFrame,
  HubToAgent,
  parseFrame,
  PROTOCOL_VERSION,
  type AgentToHub,
  type Capabilities,
  type ErrorCode,
} from '../../schema/index.js';
import { agentSocketUrl, type AgentConfig } from './config.js';

export const AGENT_VERSION = '0.1.0';

export class AgentRefused extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(`hub refused this agent: ${code}: ${message}`);
  }
}

export interface AgentEvents {
  welcome: [{ nodeId: string; nodeName: string }];
  disconnected: [{ code: number; reason: string; retryInMs: number }];
}

export function capabilities(config: AgentConfig): Capabilities {
  // The compute issue replaces `backend` with the TF.js backend actually loaded.
  return {
    backend: 'none',
    cpuCores: Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
    memoryBytes: os.totalmem(),
    gpu: null,
    slots: config.slots,
    labels: config.labels,
  };
}

export class Agent extends EventEmitter<AgentEvents> {
  private socket: WebSocket | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = false;
  private finished!: (error?: Error) => void;
  /** Settles when the agent stops for good: resolves on stop(), rejects on a refusal. */
  readonly done = new Promise<void>((resolve, reject) => {
    this.finished = (error) => (error ? reject(error) : resolve());
  });

  constructor(
    private readonly config: AgentConfig,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string, fields?: object) => void,
  ) {
    super();
    this.done.catch(() => undefined); // observed by the caller; avoid an unhandled rejection here
  }

  start(): void {
    this.connect();
  }

  private send(message: AgentToHub): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(encodeFrame(message));
  }

  private connect(): void {
    const url = agentSocketUrl(this.config.hubUrl);
    const socket = new WebSocket(url, { handshakeTimeout: 10_000, maxPayload: 16 * 1024 * 1024 });
    this.socket = socket;
    socket.on('open', () => {
      this.send({
        type: 'hello',
        protocolVersion: PROTOCOL_VERSION,
        token: this.config.token,
        agentVersion: AGENT_VERSION,
        capabilities: capabilities(this.config),
      });
    });
    socket.on('message', (data) => this.receive(data.toString()));
    socket.on('error', (error) => this.log('warn', 'connection error', { error: error.message }));
    socket.on('close', (code, reason) => {
      clearInterval(this.heartbeat);
      if (this.stopped) return;
      const retryInMs = this.backoff();
      this.log('warn', 'disconnected from hub', { code, reason: reason.toString(), retryInMs });
      this.emit('disconnected', { code, reason: reason.toString(), retryInMs });
      this.retryTimer = setTimeout(() => this.connect(), retryInMs);
    });
  }

  /** Full jitter over an exponential ceiling: 0.5 s doubling to 30 s. */
  private backoff(): number {
    const ceiling = Math.min(30_000, 500 * 2 ** this.attempt);
    this.attempt += 1;
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  private receive(raw: string): void {
    const parsed = parseFrame(HubToAgent, raw);
    if (!parsed.ok) {
      // The hub is trusted more than agents are, but a bad frame still must not crash us.
      this.log('warn', 'ignored a malformed frame from the hub', { error: parsed.error });
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'welcome':
        this.attempt = 0;
        this.log('info', 'connected to hub', { nodeId: message.nodeId, nodeName: message.nodeName });
        this.heartbeat = setInterval(
          () => this.send({ type: 'heartbeat', load: os.loadavg()[0] }),
          message.heartbeatSeconds * 1000,
        );
        this.emit('welcome', { nodeId: message.nodeId, nodeName: message.nodeName });
        break;
      case 'error':
        if (message.fatal && (message.code === 'BAD_TOKEN' || message.code === 'PROTOCOL_VERSION')) {
          this.stopped = true;
          this.socket?.close();
          this.finished(new AgentRefused(message.code, message.message));
        } else {
          this.log('warn', 'hub reported an error', { code: message.code, message: message.message });
        }
        break;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    this.socket?.close(1000, 'agent stopping');
    this.finished();
  }
}
