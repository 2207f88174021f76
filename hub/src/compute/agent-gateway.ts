/**
 * The agent gateway: one WebSocket per agent at `/agents`, speaking schema/agent-protocol.ts.
 * Agents are untrusted: every frame is `unknown` until parseFrame accepts it, every job report is
 * checked against the node's own leases (NOT_LEASED otherwise), frames are rate-limited, and
 * nothing an agent sends can throw out of here. Refusals are answered with an `error` frame,
 * logged with the reason and counted in aimass_agent_frames_rejected_total.
 *
 * Liveness: the hub pings every heartbeat interval; a socket that misses two pongs is terminated.
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
  type Message,
} from '../../../schema/index.js';
import { AccountEventKind, accountEvent } from '../accounts/index.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Services } from '../module.js';
import type { AgentFrames } from './agent-frames.js';
import { AgentSession } from './agent-session.js';
import { behaviourOf } from './nodes.service.js';

const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * A job.succeeded / job.failed / job.released frame about a job this session holds, recognised
 * without parsing the frame (agents write `type`, `jobId`, `attempt` first: schema/agent-protocol.ts).
 */
function isHeldFinalReport(data: unknown, isBinary: boolean, session: AgentSession, frames: AgentFrames): boolean {
  if (isBinary || !Buffer.isBuffer(data)) return false;
  const head = data.subarray(0, 200).toString();
  // An infer.result the hub still waits for (agents write `type`, `requestId` first).
  const answer = /^\{\s*"type"\s*:\s*"infer\.result"\s*,\s*"requestId"\s*:\s*"([^"\\]{1,64})"/.exec(head);
  if (answer) return frames.awaits(session, answer[1]);
  const match = /^\{\s*"type"\s*:\s*"job\.(?:succeeded|failed|released)"\s*,\s*"jobId"\s*:\s*"([0-9a-fA-F-]{36})"\s*,\s*"attempt"\s*:\s*(\d{1,9})\s*[,}]/.exec(head);
  return match !== null && session.held.get(match[1]) === Number(match[2]);
}

/** Pings an agent may leave unanswered in a row before the hub terminates its connection. */
const MISSED_PONGS_ALLOWED = 1;

export class AgentGateway {
  readonly wss: WebSocketServer;
  private readonly stopListening: () => void;
  private readonly pinger: NodeJS.Timeout;
  /** Pings each socket left unanswered in a row (0 once it pongs). */
  private readonly unanswered = new WeakMap<WebSocket, number>();

  constructor(
    private readonly services: Pick<Services, 'config' | 'events' | 'signals' | 'nodeTokens' | 'nodes' | 'scheduler' | 'agentFrames'>,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    // Frames up to twice the limit are read and answered with an error frame (the socket stays
    // open); beyond that ws closes the socket with 1009 without buffering the rest.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: services.config.agent.maxFrameBytes * 2 });
    this.wss.on('connection', (socket, request) => this.accept(socket, request));
    this.stopListening = services.nodeTokens.onRevoked((id) => {
      const session = services.scheduler.session(id);
      if (session) this.refuse(session.socket, 'BAD_TOKEN', 'This node token was revoked', CloseCode.Revoked);
    });
    // Judged in the check phase, after the I/O already waiting: when this hub's event loop was held
    // up past an interval (a long collection, a CPU-bound request, the process not scheduled), the
    // pongs that came meanwhile are read before any socket is judged, not after.
    this.pinger = setInterval(() => setImmediate(() => this.ping()), services.config.agent.heartbeatSeconds * 1000);
  }

  /**
   * Pings every agent; terminates one that left MISSED_PONGS_ALLOWED + 1 pings in a row unanswered
   * (one late pong, from an agent whose own event loop was busy for a moment, is forgiven).
   */
  private ping(): void {
    for (const socket of this.wss.clients) {
      const unanswered = this.unanswered.get(socket) ?? 0;
      if (unanswered > MISSED_PONGS_ALLOWED) {
        this.log.warn({ unanswered }, 'agent missed a pong; terminating its connection');
        socket.terminate();
        continue;
      }
      this.unanswered.set(socket, unanswered + 1);
      socket.ping();
    }
  }

  private send(socket: WebSocket, message: HubToAgent): void {
    if (socket.readyState === socket.OPEN) socket.send(encodeFrame(message));
  }

  /** Answers a bad frame: counted, logged, an error frame sent; fatal ones close the socket. */
  private reject(
    socket: WebSocket,
    code: ErrorCode,
    message: string,
    log: Logger,
    extra: { jobId?: string; close?: number; session?: AgentSession } = {},
  ): void {
    this.metrics.agentFramesRejected.inc({ reason: code });
    // Refusals spend the sender's frame budget: a flood of bad frames gets counted, not answered.
    if (extra.session && !extra.session.takeFrame()) return;
    log.warn({ code, reason: message, jobId: extra.jobId }, 'agent frame refused');
    this.send(socket, { type: 'error', code, message, fatal: extra.close !== undefined, ...(extra.jobId ? { jobId: extra.jobId } : {}) });
    if (extra.close !== undefined) socket.close(extra.close, message.slice(0, 120));
  }

  private refuse(socket: WebSocket, code: ErrorCode, message: string, closeCode: number): void {
    this.reject(socket, code, message, this.log, { close: closeCode });
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    let log = this.log.child({ agentAddress: request.socket.remoteAddress });
    let session: AgentSession | undefined;
    let handshaking = false;
    // Frames are handled one at a time, in order, so reports about one job can't overtake each other.
    let queue = Promise.resolve();
    this.unanswered.set(socket, 0);
    socket.on('pong', () => this.unanswered.set(socket, 0));
    const timer = setTimeout(() => {
      if (!handshaking) this.refuse(socket, 'HANDSHAKE_TIMEOUT', 'Send hello first, within 10 seconds', CloseCode.HandshakeTimeout);
    }, HANDSHAKE_TIMEOUT_MS);

    socket.on('error', (error) => {
      // An oversized frame lands here (ws closes with 1009 itself).
      const reason = /max payload/i.test(error.message) ? 'FRAME_TOO_LARGE' : 'SOCKET_ERROR';
      this.metrics.agentFramesRejected.inc({ reason });
      log.warn({ err: error, reason }, 'agent socket error');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (!session) return;
      const closing = session;
      this.services.scheduler.detach(closing);
      this.services.agentFrames.disconnected(closing);
      if (this.services.scheduler.session(closing.nodeId)) return; // replaced by a newer connection
      void this.services.nodes.disconnected(closing.nodeId, this.services.signals.instanceId).catch((error) => log.error({ err: error }, 'marking node offline failed'));
      this.services.events.publish(
        'ACCOUNT_EVENT',
        closing.ownerId,
        accountEvent(AccountEventKind.NODE_DISCONNECTED, closing.nodeId, `Node "${closing.name}" disconnected`),
      );
      log.info('agent disconnected');
    });
    socket.on('message', (data, isBinary) => {
      // Every frame spends the sender's budget except a final report about a job this node holds
      // and an answer this hub waits for: those always go through, and spend nothing, since the
      // hub's own requests bound their number (a job ends once; an answer answers one request).
      // Were answers to spend it, a replica answering 200 requests a second would have its
      // heartbeats dropped and its lease would lapse while it served.
      if (session && !isHeldFinalReport(data, isBinary, session, this.services.agentFrames) && !session.takeFrame()) {
        // Drop without a reply: answering a flood would feed it. Logged once a minute at most.
        this.metrics.agentFramesRejected.inc({ reason: 'RATE_LIMITED' });
        if (session.shouldLogFlood()) log.warn({ reason: 'RATE_LIMITED' }, 'agent is flooding; dropping its frames');
        return;
      }
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
      if (size > this.services.config.agent.maxFrameBytes) {
        return this.reject(socket, 'FRAME_TOO_LARGE', `Frames may be at most ${this.services.config.agent.maxFrameBytes} bytes; this one had ${size}`, log, handshaking ? { session } : { close: 1009 });
      }
      if (isBinary) return this.reject(socket, 'BAD_FRAME', 'Frames are JSON text', log, handshaking ? {} : { close: CloseCode.BadFrame });
      const parsed = parseFrame(AgentToHub, data.toString());
      if (!parsed.ok) {
        // Before hello nothing about the peer is known yet: refuse it. After, report and carry on.
        return this.reject(socket, 'BAD_FRAME', handshaking ? parsed.error : `Expected hello: ${parsed.error}`, log, handshaking ? { session } : { close: CloseCode.BadFrame });
      }
      const message = parsed.message;
      if (message.type === 'hello') {
        if (handshaking) return this.reject(socket, 'UNEXPECTED', 'hello was already received', log);
        handshaking = true;
        queue = queue.then(async () => {
          session = await this.handshake(socket, message);
          if (session) {
            clearTimeout(timer);
            log = log.child({ nodeId: session.nodeId });
          }
        });
      } else if (!handshaking) {
        return this.reject(socket, 'UNEXPECTED', `Expected hello, got ${message.type}`, log, { close: CloseCode.BadFrame });
      } else {
        queue = queue.then(() => (session ? this.handle(session, message, log) : undefined));
      }
      queue = queue.catch((error) => {
        log.error({ err: error }, 'agent frame handling failed');
      });
    });
  }

  private async handle(session: AgentSession, message: Exclude<AgentToHub, { type: 'hello' }>, log: Logger): Promise<void> {
    const scheduler = this.services.scheduler;
    switch (message.type) {
      case 'heartbeat':
        if (!session.takeHeartbeat()) {
          this.metrics.agentFramesRejected.inc({ reason: 'HEARTBEAT_FLOOD' });
          if (session.shouldLogFlood()) log.warn({ reason: 'HEARTBEAT_FLOOD' }, 'agent sends heartbeats too often; ignoring the extra ones');
          return;
        }
        await scheduler.heartbeat(session, message);
        return this.services.agentFrames.heartbeat(session, message.replicas);
      case 'draining':
        log.info('agent is draining');
        return scheduler.draining(session);
      case 'replica.ready':
      case 'infer.result':
        if (!(await this.services.agentFrames.frame(session, message))) {
          this.reject(session.socket, 'NOT_LEASED', `${message.type} names job ${message.jobId}, which does not serve here`, log, { jobId: message.jobId, session });
        }
        return;
      default:
        if (!(await scheduler.report(session, message))) {
          this.reject(session.socket, 'NOT_LEASED', `Job ${message.jobId} attempt ${message.attempt} is not leased to this node`, log, {
            jobId: message.jobId,
            session,
          });
        }
    }
  }

  private async handshake(socket: WebSocket, hello: Message<AgentToHub, 'hello'>): Promise<AgentSession | undefined> {
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
    const registered = token && (await this.services.nodes.byId(token.id));
    if (!token || !registered) {
      this.refuse(socket, 'BAD_TOKEN', 'Unknown or revoked node token', CloseCode.BadToken);
      return undefined;
    }
    if (socket.readyState !== socket.OPEN) return undefined;
    const previous = this.services.scheduler.session(token.id);
    if (previous) this.refuse(previous.socket, 'UNEXPECTED', 'Another agent connected with this token', CloseCode.Replaced);
    const node = await this.services.nodes.connected(token.id, this.services.signals.instanceId, hello.agentVersion, hello.capabilities);
    const session = new AgentSession(socket, node.id, node.ownerId, node.name, hello.capabilities.slots, node.gflops, behaviourOf(node));
    await this.services.scheduler.attach(session, hello.running);
    this.send(socket, {
      type: 'welcome',
      protocolVersion: PROTOCOL_VERSION,
      nodeId: node.id,
      nodeName: node.name,
      heartbeatSeconds: this.services.config.agent.heartbeatSeconds,
      leaseSeconds: this.services.config.jobs.leaseSeconds,
      maxFrameBytes: this.services.config.agent.maxFrameBytes,
    });
    await this.services.scheduler.ready(session);
    this.services.events.publish(
      'ACCOUNT_EVENT',
      node.ownerId,
      accountEvent(AccountEventKind.NODE_CONNECTED, node.id, `Node "${node.name}" connected (${hello.capabilities.backend}, ${hello.capabilities.cpuCores} cores)`),
    );
    this.log.info({ nodeId: node.id, agentVersion: hello.agentVersion, capabilities: hello.capabilities, running: hello.running.length }, 'agent connected');
    return session;
  }

  async close(): Promise<void> {
    this.stopListening();
    clearInterval(this.pinger);
    for (const socket of this.wss.clients) socket.close(1001, 'hub shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
