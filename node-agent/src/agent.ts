/**
 * The agent's side of the protocol (schema/agent-protocol.ts): connect out to the hub (so it works
 * behind NAT), say `hello` with the jobs it still runs, run assigned jobs in worker threads, report
 * them, heartbeat, and come back with exponential backoff and jitter when the connection drops.
 *
 * Nothing is lost across a reconnect: a job that ends while the hub is unreachable keeps its
 * report in an outbox, is listed in the next `hello` (so the hub keeps its lease instead of giving
 * it out again) and the report is sent right after `welcome`.
 *
 * A dead connection is noticed by silence: no frame or ping from the hub within three heartbeat
 * intervals and the socket is dropped and reopened. A refusal (bad token, wrong protocol version)
 * is final: retrying cannot fix it.
 *
 * Serving: a `serve` job's worker is a replica. Each `infer.request` is routed here to the worker of
 * the replica it names and its answer sent back as `infer.result`; the main thread keeps the set of
 * requests each replica holds, so every request gets exactly one answer — UNAVAILABLE at once for
 * an unknown, loading or stopping replica, and for whatever a replica held when it was canceled or
 * its worker ended. Draining lets a replica answer what it holds, then releases it.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import {
  encodeFrame,
  sendGathered,
  type FrameSocket,
  HubToAgent,
  parseFrame,
  PROTOCOL_VERSION,
  type AgentToHub,
  type ErrorCode,
  type Message,
} from '../../schema/index.js';
import { capabilities, machineLoad, replicaCapacity } from './capabilities.js';
import { agentSocketUrl, type AgentConfig } from './config.js';
import type { InferAnswer, ReplicaLoadSnapshot } from './jobs/job-handler.js';
import { dropSpareWorker, JobRunner, prepareSpareWorker } from './jobs/job-runner.js';
import { TF_JOB_KINDS } from './jobs/tf-job-kinds.js';
import type { LoadedBackend } from './tf/load-backend.js';

export const AGENT_VERSION = '0.2.0';

export class AgentRefused extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(`hub refused this agent: ${code}: ${message}`);
  }
}

export interface AgentEvents {
  welcome: [{ nodeId: string; nodeName: string }];
  disconnected: [{ code: number; reason: string; retryInMs: number }];
}

type Log = (level: 'info' | 'warn' | 'error', message: string, fields?: object) => void;
type Terminal = Message<AgentToHub, 'job.succeeded' | 'job.failed' | 'job.released'>;

interface RunningJob {
  attempt: number;
  kind: string;
  runner: JobRunner;
  lastProgressAt: number;
  /** Where the job's time went, as the job told (logged when it succeeds). */
  steps?: Record<string, number>;
  /** Serve jobs only. */
  replica?: ReplicaState;
}

interface ReplicaState {
  ready: boolean;
  warmupMs: number;
  /** Draining: takes nothing more; released once `outstanding` is empty. */
  draining: boolean;
  /** Requests handed to the worker and not yet answered. */
  outstanding: Set<string>;
  /**
   * Most requests the replica can hold (maxQueue waiting plus a batch computing): more are answered
   * OVERLOADED here at once, even while its worker is busy in a predict call and cannot answer.
   */
  capacity: number;
  load: ReplicaLoadSnapshot;
}

const MAX_REPORTED_MS = 3_600_000;
/** The hub's frame limit when its welcome does not say (AIMASS_AGENT_MAX_FRAME_BYTES's default). */
const DEFAULT_MAX_FRAME_BYTES = 1_048_576;
const clampMs = (ms: number) => Math.min(MAX_REPORTED_MS, Math.max(0, Number.isFinite(ms) ? ms : 0));
/** Receipt times and deadlines, on the clock the replicas' batchers use (dynamic-batcher.ts systemClock). */
const now = () => performance.timeOrigin + performance.now();

export class Agent extends EventEmitter<AgentEvents> {
  private socket: WebSocket | undefined;
  private welcomed = false;
  private heartbeatSeconds = 15;
  private maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
  private heartbeat: NodeJS.Timeout | undefined;
  private silence: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = false;
  private draining = false;
  private readonly running = new Map<string, RunningJob>();
  /** Final reports not yet delivered, by job id. */
  private readonly outbox = new Map<string, Terminal>();
  private finished!: (error?: Error) => void;
  /** Settles when the agent stops for good: resolves on stop()/drain(), rejects on a refusal. */
  readonly done = new Promise<void>((resolve, reject) => {
    this.finished = (error) => (error ? reject(error) : resolve());
  });

  constructor(
    private readonly config: AgentConfig,
    private readonly backend: Pick<LoadedBackend, 'backend' | 'gpu'>,
    private readonly log: Log,
  ) {
    super();
    this.done.catch(() => undefined); // observed by the caller
  }

  private readonly spareReady = () => this.log('info', 'spare worker ready');

  start(): void {
    this.connect();
  }

  /**
   * Starts a spare worker (job-runner.ts) unless one lives, the agent keeps none, or it is stopping
   * or draining. Called once the hub has welcomed the agent and no job runs (its TF.js load and
   * warm-up take a core for seconds, which the agent's start and connection do not wait behind; the
   * jobs assigned at once find it loading, or do without it), and as jobs end.
   */
  private readySpare(): void {
    if (!this.config.spareWorker || this.stopped || this.draining) return;
    if (prepareSpareWorker(this.spareReady)) this.log('info', 'spare worker starting');
  }

  private send(message: AgentToHub, encoded?: string): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN || (!this.welcomed && message.type !== 'hello')) return false;
    sendGathered(this.socket as unknown as FrameSocket, encoded ?? encodeFrame(message));
    return true;
  }

  private held(): { jobId: string; attempt: number }[] {
    return [
      ...[...this.running].map(([jobId, job]) => ({ jobId, attempt: job.attempt })),
      ...[...this.outbox.values()].filter((r) => r.type !== 'job.released').map((r) => ({ jobId: r.jobId, attempt: r.attempt })),
    ];
  }

  private connect(): void {
    this.welcomed = false;
    const socket = new WebSocket(agentSocketUrl(this.config.hubUrl), { handshakeTimeout: 10_000, maxPayload: 16 * 1024 * 1024 });
    this.socket = socket;
    const heard = () => this.expectWithin(socket);
    socket.on('open', () => {
      heard();
      socket.send(
        encodeFrame({
          type: 'hello',
          protocolVersion: PROTOCOL_VERSION,
          token: this.config.token,
          agentVersion: AGENT_VERSION,
          capabilities: capabilities(this.config, this.backend),
          running: this.held(),
        }),
      );
    });
    socket.on('ping', heard);
    socket.on('message', (data) => {
      heard();
      this.receive(data.toString());
    });
    socket.on('error', (error) => this.log('warn', 'connection error', { error: error.message }));
    socket.on('close', (code, reason) => {
      clearInterval(this.heartbeat);
      clearTimeout(this.silence);
      if (this.socket !== socket) return;
      this.welcomed = false;
      if (this.stopped) return;
      const retryInMs = this.backoff();
      this.log('warn', 'disconnected from hub', { code, reason: reason.toString(), retryInMs, running: this.running.size });
      this.emit('disconnected', { code, reason: reason.toString(), retryInMs });
      this.retryTimer = setTimeout(() => this.connect(), retryInMs);
    });
  }

  /** Drops the connection if the hub says nothing (no frame, no ping) for three heartbeat intervals. */
  private expectWithin(socket: WebSocket): void {
    clearTimeout(this.silence);
    this.silence = setTimeout(() => {
      this.log('warn', 'hub went silent; reconnecting');
      socket.terminate();
    }, this.heartbeatSeconds * 3000 + 5000);
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
        this.welcomed = true;
        this.heartbeatSeconds = message.heartbeatSeconds;
        this.maxFrameBytes = message.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
        if (this.socket) this.expectWithin(this.socket); // re-arm with the hub's interval
        this.log('info', 'connected to hub', { nodeId: message.nodeId, nodeName: message.nodeName, backend: this.backend.backend });
        clearInterval(this.heartbeat);
        this.heartbeat = setInterval(() => this.sendHeartbeat(), message.heartbeatSeconds * 1000);
        if (this.draining) this.send({ type: 'draining' });
        for (const report of this.outbox.values()) this.send(report);
        this.outbox.clear();
        // A hub we reconnect to (maybe another one) learns which replicas it can route to.
        for (const [jobId, job] of this.running) {
          if (job.replica?.ready && !job.replica.draining) this.send({ type: 'replica.ready', jobId, attempt: job.attempt, warmupMs: job.replica.warmupMs });
        }
        this.emit('welcome', { nodeId: message.nodeId, nodeName: message.nodeName });
        this.settleDrain();
        if (this.running.size === 0) this.readySpare();
        break;
      case 'job.assign':
        this.assign(message);
        break;
      case 'infer.request':
        this.infer(message);
        break;
      case 'job.cancel': {
        const job = this.running.get(message.jobId);
        if (job && (message.attempt === undefined || message.attempt === job.attempt)) {
          this.log('info', 'job canceled by the hub', { jobId: message.jobId, reason: message.reason });
          this.running.delete(message.jobId);
          this.abandonRequests(message.jobId, job, 'the replica was stopped');
          job.runner.abort();
          this.settleDrain();
        }
        this.outbox.delete(message.jobId);
        break;
      }
      case 'error':
        if (message.fatal && (message.code === 'BAD_TOKEN' || message.code === 'PROTOCOL_VERSION')) {
          this.stopped = true;
          for (const job of this.running.values()) job.runner.abort();
          this.socket?.close();
          this.finished(new AgentRefused(message.code, message.message));
        } else {
          this.log('warn', 'hub reported an error', { code: message.code, message: message.message, jobId: message.jobId });
        }
        break;
    }
  }

  private sendHeartbeat(): void {
    const replicas = [...this.running]
      .filter(([, job]) => job.replica)
      .map(([jobId, job]) => ({ jobId, ...job.replica!.load }));
    this.send({ type: 'heartbeat', ...machineLoad(), running: this.held(), replicas });
  }

  /** Routes one request to the replica it names; anything else is answered UNAVAILABLE at once, nothing run. */
  private infer(message: Message<HubToAgent, 'infer.request'>): void {
    const { requestId, jobId } = message;
    const job = this.running.get(jobId);
    const replica = job?.replica;
    if (!job || !replica || !replica.ready || replica.draining) {
      const why = !job ? 'this agent holds no such replica' : !replica ? 'the job is not a serving replica' : replica.draining ? 'the replica is stopping' : 'the replica is still loading';
      this.sendAnswer(jobId, { requestId, error: { code: 'UNAVAILABLE', message: why }, batchSize: 0, queueMs: 0, computeMs: 0 });
      return;
    }
    if (replica.outstanding.has(requestId)) {
      this.log('warn', 'ignored a second infer.request with a request id the replica still holds', { jobId, requestId });
      return;
    }
    if (replica.outstanding.size >= replica.capacity) {
      const error = { code: 'OVERLOADED' as const, message: `the replica already holds ${replica.outstanding.size} requests` };
      this.sendAnswer(jobId, { requestId, error, batchSize: 0, queueMs: 0, computeMs: 0 });
      return;
    }
    const receivedAt = now();
    replica.outstanding.add(requestId);
    try {
      job.runner.infer({ requestId, records: message.records, receivedAt, deadlineAt: receivedAt + message.deadlineMs });
    } catch (error) {
      replica.outstanding.delete(requestId);
      this.sendAnswer(jobId, { requestId, error: { code: 'UNAVAILABLE', message: `the replica could not take it: ${(error as Error).message}` }, batchSize: 0, queueMs: 0, computeMs: 0 });
    }
  }

  /** An answer from a replica's worker: sent once, only for a request it still holds. */
  private answered(jobId: string, job: RunningJob, answer: InferAnswer): void {
    const replica = job.replica;
    if (this.running.get(jobId) !== job || !replica?.outstanding.delete(answer.requestId)) return;
    this.sendAnswer(jobId, answer);
    if (replica.draining && replica.outstanding.size === 0) this.releaseReplica(jobId, job);
  }

  /** `type` and `requestId` lead the frame: the hub's frame budget reads them from its head (agent-gateway.ts). */
  private sendAnswer(jobId: string, answer: InferAnswer): void {
    const frame: Message<AgentToHub, 'infer.result'> = {
      type: 'infer.result',
      requestId: answer.requestId,
      jobId,
      ...(answer.outputs ? { outputs: answer.outputs } : {}),
      ...(answer.error ? { error: answer.error } : {}),
      batchSize: Math.min(1_000_000, Math.max(0, Math.round(answer.batchSize))),
      queueMs: clampMs(answer.queueMs),
      computeMs: clampMs(answer.computeMs),
    };
    const encoded = encodeFrame(frame);
    const bytes = Buffer.byteLength(encoded);
    if (bytes <= this.maxFrameBytes) {
      this.send(frame, encoded);
      return;
    }
    // Too big for the hub to read (a frame far over its limit would close the whole connection).
    const message = `the answer is ${bytes} bytes, more than the ${this.maxFrameBytes} a frame to the hub may carry: send fewer records per request`;
    this.send({ type: 'infer.result', requestId: frame.requestId, jobId, error: { code: 'FAILED', message }, batchSize: frame.batchSize, queueMs: frame.queueMs, computeMs: frame.computeMs });
  }

  /** Answers UNAVAILABLE for every request a replica still holds (it was stopped or its worker ended). */
  private abandonRequests(jobId: string, job: RunningJob, why: string): void {
    const replica = job.replica;
    if (!replica) return;
    replica.ready = false;
    for (const requestId of replica.outstanding) this.sendAnswer(jobId, { requestId, error: { code: 'UNAVAILABLE', message: why }, batchSize: 0, queueMs: 0, computeMs: 0 });
    replica.outstanding.clear();
  }

  /** A drained replica is given back: it never ends on its own. */
  private releaseReplica(jobId: string, job: RunningJob): void {
    if (this.running.get(jobId) !== job) return;
    this.running.delete(jobId);
    this.abandonRequests(jobId, job, 'the agent is draining');
    job.runner.abort();
    this.log('info', 'replica released (agent draining)', { jobId, attempt: job.attempt });
    this.report({ type: 'job.released', jobId, attempt: job.attempt, reason: 'agent is draining' });
    this.settleDrain();
  }

  private assign(message: Message<HubToAgent, 'job.assign'>): void {
    const { jobId, attempt, kind } = message;
    if (this.draining || this.running.size >= this.config.slots) {
      this.report({ type: 'job.released', jobId, attempt, reason: this.draining ? 'agent is draining' : 'no free slot' });
      return;
    }
    const serving = kind === 'serve' ? { cacheDir: this.config.cacheDir, delayMs: this.config.serveDelayMs } : undefined;
    const replica: ReplicaState | undefined = serving
      ? { ready: false, warmupMs: 0, draining: false, outstanding: new Set(), capacity: replicaCapacity(message.payload), load: { inFlight: 0, queued: 0, latencyMs: 0, requests: 0 } }
      : undefined;
    const runner = new JobRunner(
      { jobId, attempt, kind, payload: message.payload, hubUrl: this.config.hubUrl, jobToken: message.jobToken, ...(serving ? { serving } : {}) },
      {
        ready: (warmupMs) => {
          const job = this.running.get(jobId);
          if (!job?.replica || job.replica.draining) return;
          job.replica.ready = true;
          job.replica.warmupMs = clampMs(warmupMs);
          this.log('info', 'replica ready', { jobId, attempt, warmupMs: Math.round(warmupMs) });
          this.send({ type: 'replica.ready', jobId, attempt, warmupMs: job.replica.warmupMs });
        },
        answer: (answer) => {
          const job = this.running.get(jobId);
          if (job) this.answered(jobId, job, answer);
        },
        load: (load) => {
          const job = this.running.get(jobId);
          if (job?.replica) job.replica.load = { ...load, latencyMs: clampMs(load.latencyMs) };
        },
        steps: (steps) => {
          const job = this.running.get(jobId);
          if (job) job.steps = steps;
        },
        progress: (progress, text, metrics) => {
          const job = this.running.get(jobId);
          // At most four progress frames a second per job; the last one (1) always goes.
          if (!job || (Date.now() - job.lastProgressAt < 250 && progress < 1)) return;
          job.lastProgressAt = Date.now();
          this.send({ type: 'job.progress', jobId, attempt, progress, ...(text ? { message: text } : {}), ...(metrics ? { metrics } : {}) });
        },
      },
    );
    this.log('info', 'job started', { jobId, attempt, kind, worker: runner.onSpare ? 'spare' : 'fresh', ...(runner.jobsBefore > 0 ? { jobsBefore: runner.jobsBefore } : {}) });
    this.running.set(jobId, { attempt, kind, runner, lastProgressAt: 0, ...(replica ? { replica } : {}) });
    this.send({ type: 'job.started', jobId, attempt });
    void runner.outcome.then((outcome) => {
      // The next TF.js job finds a worker with TF.js loaded (started after this one, not beside it,
      // and after its report is sent: loading TF.js would compete with the hub's end of the job).
      // Any other job used a fresh worker: a spare is readied after it only if none lives and the
      // agent is idle.
      const spare = () => {
        if (TF_JOB_KINDS.has(kind) || this.running.size === 0) this.readySpare();
      };
      const job = this.running.get(jobId);
      if (job?.runner !== runner) return spare(); // canceled or released meanwhile
      this.running.delete(jobId);
      this.abandonRequests(jobId, job, 'the replica ended');
      if (outcome.ok) {
        this.log('info', 'job succeeded', { jobId, attempt, kind, ...(job.steps ? { steps: job.steps } : {}) });
        this.report({ type: 'job.succeeded', jobId, attempt, result: outcome.result });
      } else if (!('aborted' in outcome)) {
        this.log('warn', 'job failed', { jobId, attempt, kind, error: outcome.error });
        this.report({ type: 'job.failed', jobId, attempt, error: outcome.error, retryable: !outcome.permanent });
      }
      spare();
      this.settleDrain();
    });
  }

  /** Sends a final report now, or keeps it for the next connection. */
  private report(message: Terminal): void {
    if (!this.send(message)) this.outbox.set(message.jobId, message);
  }

  private drainDone: (() => void) | undefined;

  private settleDrain(): void {
    if (this.draining && this.running.size === 0 && this.outbox.size === 0) this.drainDone?.();
  }

  /**
   * SIGTERM: take no more work, let running jobs finish for up to `drainSeconds`, hand back the
   * rest, deliver every report, then leave. Reports wait for the hub to come back (bounded by the
   * same time again) so nothing is lost.
   */
  async drain(): Promise<void> {
    if (this.draining || this.stopped) return this.stop();
    this.draining = true;
    // A draining agent takes no job: a spare's TF.js load would only compete with the jobs finishing.
    void dropSpareWorker();
    this.log('info', 'draining', { running: this.running.size, drainSeconds: this.config.drainSeconds });
    this.send({ type: 'draining' });
    const idle = new Promise<void>((resolve) => {
      this.drainDone = resolve;
    });
    // Replicas never finish: each answers what it holds and is released (at once if still loading).
    for (const [jobId, job] of [...this.running]) {
      if (!job.replica) continue;
      job.replica.draining = true;
      if (!job.replica.ready || job.replica.outstanding.size === 0) this.releaseReplica(jobId, job);
      else job.runner.drain();
    }
    this.settleDrain();
    const timeout = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
    if ((await Promise.race([idle, timeout(this.config.drainSeconds * 1000)])) === 'timeout') {
      for (const [jobId, job] of [...this.running]) {
        this.running.delete(jobId);
        this.abandonRequests(jobId, job, 'the agent stopped');
        job.runner.abort();
        this.report({ type: 'job.released', jobId, attempt: job.attempt, reason: 'agent stopped (drain timeout)' });
      }
      this.settleDrain();
      await Promise.race([idle, timeout(this.config.drainSeconds * 1000 + 1000)]);
    }
    await this.stop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    void dropSpareWorker();
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    clearTimeout(this.silence);
    for (const [jobId, job] of this.running) {
      this.abandonRequests(jobId, job, 'the agent stopped');
      job.runner.abort();
    }
    const socket = this.socket;
    if (socket?.readyState === WebSocket.OPEN) {
      // Let queued reports leave before closing.
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close(1000, 'agent stopping');
        setTimeout(resolve, 2000).unref();
      });
    }
    this.finished();
  }
}
