/**
 * The agent gateway: one WebSocket per agent at `/agents`, speaking the protocol in
 * schema/agent-protocol.ts. Every incoming frame is `unknown` until parseFrame accepts it; a bad
 * frame gets an `error` frame and is counted, and never throws out of here.
 *
 * This is the handshake skeleton (hello → welcome, or a refusal and close). The compute issue adds
 * jobs, leases and replicas on top of the same connection table.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  AgentToHub,
  CloseCode,
  encodeFrame,
  parseFrame,
  PROTOCOL_VERSION,
  type ErrorCode,
  type HubToAgent,
} from '../../../schema/index.js';
import { AccountEventKind, accountEvent } from '../accounts/account-event.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Services } from '../services.js';

const HANDSHAKE_TIMEOUT_MS = 10_000;

interface AgentConnection {
  socket: WebSocket;
  nodeTokenId: string;
  userId: string;
  name: string;
}

export class AgentGateway {
  readonly wss: WebSocketServer;
  private readonly connections = new Map<string, AgentConnection>();
  private readonly stopListening: () => void;

  constructor(
    private readonly services: Services,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: services.config.agent.maxFrameBytes });
    this.wss.on('connection', (socket, request) => this.accept(socket, request));
    this.stopListening = services.nodeTokens.onRevoked((id) => {
      const connection = this.connections.get(id);
      if (connection) this.refuse(connection.socket, 'BAD_TOKEN', 'This node token was revoked', CloseCode.Revoked);
    });
  }

  isConnected(nodeTokenId: string): boolean {
    return this.connections.has(nodeTokenId);
  }

  get size(): number {
    return this.connections.size;
  }

  private send(socket: WebSocket, message: HubToAgent): void {
    if (socket.readyState === socket.OPEN) socket.send(encodeFrame(message));
  }

  private refuse(socket: WebSocket, code: ErrorCode, message: string, closeCode: number): void {
    this.metrics.agentFramesRejected.inc({ reason: code });
    this.send(socket, { type: 'error', code, message, fatal: true });
    socket.close(closeCode, message.slice(0, 120));
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const log = this.log.child({ agentAddress: request.socket.remoteAddress });
    let connection: AgentConnection | undefined;
    let handshaking = false;
    const timer = setTimeout(() => {
      if (!connection) this.refuse(socket, 'HANDSHAKE_TIMEOUT', 'Send hello first, within 10 seconds', CloseCode.HandshakeTimeout);
    }, HANDSHAKE_TIMEOUT_MS);

    socket.on('error', (error) => {
      // Oversized frames (maxPayload) land here; ws closes the socket with 1009 itself.
      this.metrics.agentFramesRejected.inc({ reason: 'SOCKET_ERROR' });
      log.warn({ err: error }, 'agent socket error');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (connection && this.connections.get(connection.nodeTokenId) === connection) {
        this.connections.delete(connection.nodeTokenId);
        this.metrics.agentsConnected.set(this.connections.size);
        this.services.events.publish(
          'ACCOUNT_EVENT',
          connection.userId,
          accountEvent(AccountEventKind.NODE_DISCONNECTED, connection.nodeTokenId, `Node "${connection.name}" disconnected`),
        );
        log.info({ nodeId: connection.nodeTokenId }, 'agent disconnected');
      }
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        this.metrics.agentFramesRejected.inc({ reason: 'BAD_FRAME' });
        this.send(socket, { type: 'error', code: 'BAD_FRAME', message: 'Frames are JSON text', fatal: false });
        return;
      }
      const parsed = parseFrame(AgentToHub, data.toString());
      if (!parsed.ok) {
        // Before hello nothing about the peer is known yet: refuse it. After, report and carry on.
        if (!handshaking) return this.refuse(socket, 'BAD_FRAME', `Expected hello: ${parsed.error}`, CloseCode.BadFrame);
        this.metrics.agentFramesRejected.inc({ reason: 'BAD_FRAME' });
        this.send(socket, { type: 'error', code: 'BAD_FRAME', message: parsed.error, fatal: false });
        return;
      }
      const message = parsed.message;
      if (message.type === 'hello') {
        if (handshaking) {
          this.metrics.agentFramesRejected.inc({ reason: 'UNEXPECTED' });
          this.send(socket, { type: 'error', code: 'UNEXPECTED', message: 'hello was already received', fatal: false });
          return;
        }
        handshaking = true;
        void this.handshake(socket, message).then(
          (accepted) => {
            connection = accepted;
            clearTimeout(timer);
          },
          (error) => {
            log.error({ err: error }, 'agent handshake failed');
            socket.close(1011, 'internal error');
          },
        );
        return;
      }
      if (!handshaking) {
        return this.refuse(socket, 'UNEXPECTED', `Expected hello, got ${message.type}`, CloseCode.BadFrame);
      }
      if (!connection) return; // hello is still being checked; nothing else is acted on before welcome
      // heartbeat: liveness only for now; the compute issue renews leases here.
    });
  }

  private async handshake(socket: WebSocket, hello: Extract<AgentToHub, { type: 'hello' }>): Promise<AgentConnection | undefined> {
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      this.refuse(
        socket,
        'PROTOCOL_VERSION',
        `This hub speaks agent protocol ${PROTOCOL_VERSION}; the agent sent ${hello.protocolVersion}. Update the agent.`,
        CloseCode.ProtocolVersion,
      );
      return undefined;
    }
    const token = await this.services.nodeTokens.verify(hello.token);
    if (!token) {
      this.refuse(socket, 'BAD_TOKEN', 'Unknown or revoked node token', CloseCode.BadToken);
      return undefined;
    }
    if (socket.readyState !== socket.OPEN) return undefined;
    const previous = this.connections.get(token.id);
    if (previous) this.refuse(previous.socket, 'UNEXPECTED', 'Another agent connected with this token', CloseCode.Replaced);
    const connection: AgentConnection = { socket, nodeTokenId: token.id, userId: token.userId, name: token.name };
    this.connections.set(token.id, connection);
    this.metrics.agentsConnected.set(this.connections.size);
    this.send(socket, {
      type: 'welcome',
      protocolVersion: PROTOCOL_VERSION,
      nodeId: token.id,
      nodeName: token.name,
      heartbeatSeconds: this.services.config.agent.heartbeatSeconds,
    });
    this.services.events.publish(
      'ACCOUNT_EVENT',
      token.userId,
      accountEvent(AccountEventKind.NODE_CONNECTED, token.id, `Node "${token.name}" connected (${hello.capabilities.backend}, ${hello.capabilities.cpuCores} cores)`),
    );
    this.log.info({ nodeId: token.id, agentVersion: hello.agentVersion, capabilities: hello.capabilities }, 'agent connected');
    return connection;
  }

  async close(): Promise<void> {
    this.stopListening();
    for (const { socket } of this.connections.values()) socket.close(1001, 'hub shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
