/** Test doubles for the router's unit tests: a hand-moved clock, an in-memory directory, a transport the test answers for the agents. */
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../logger.js';
import { loadConfig } from '../../config.js';
import { createMetrics } from '../../metrics.js';
import type { ReplicaDirectory, ReplicaView } from '../replica-directory.js';
import { ReplicaRouter } from '../router/replica-router.js';
import type { InferResult, OutgoingRequest, Outcome, ReplicaAddress, ReplicaTransport } from '../router/replica-transport.js';
import type { RouterClock } from '../router/router-clock.js';

export class ManualClock implements RouterClock {
  private time = 1_000_000;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.time + ms, fn, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  }

  /** Moves time on, firing the timers that came due, in order. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.live && t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.time = Math.max(this.time, due.at);
      due.live = false;
      due.fn();
    }
    this.timers = this.timers.filter((t) => t.live);
    this.time = until;
  }

  get pendingTimers(): number {
    return this.timers.filter((t) => t.live).length;
  }
}

export class MemoryDirectory implements ReplicaDirectory {
  readonly replicas: ReplicaView[] = [];
  private readonly listeners = new Set<(jobId: string) => void>();

  add(deploymentId: string, options: Partial<ReplicaView> = {}): ReplicaView {
    const replica: ReplicaView = {
      jobId: randomUUID(),
      attempt: 1,
      deploymentId,
      versionId: randomUUID(),
      versionNumber: 1,
      nodeId: randomUUID(),
      nodeName: `node-${this.replicas.length + 1}`,
      hubInstance: 'this-hub',
      outputWidth: 2,
      ...options,
    };
    this.replicas.push(replica);
    return replica;
  }

  remove(jobId: string): void {
    const index = this.replicas.findIndex((r) => r.jobId === jobId);
    if (index >= 0) this.replicas.splice(index, 1);
    for (const listener of this.listeners) listener(jobId);
  }

  ready(deploymentId: string): readonly ReplicaView[] {
    return this.replicas.filter((r) => r.deploymentId === deploymentId);
  }

  onGone(listener: (jobId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface Sent {
  replica: ReplicaAddress;
  request: OutgoingRequest;
  settle: (outcome: Outcome) => void;
}

/** Keeps what the router sent; the test answers each as an agent would (or does not). */
export class FakeTransport implements ReplicaTransport {
  readonly sent: Sent[] = [];
  readonly abandoned: string[] = [];
  /** When set, answers every request at once. */
  autoAnswer: ((sent: Sent) => Outcome | undefined) | undefined;

  send(replica: ReplicaAddress, request: OutgoingRequest, settle: (outcome: Outcome) => void): void {
    const sent = { replica, request, settle };
    this.sent.push(sent);
    const outcome = this.autoAnswer?.(sent);
    if (outcome) settle(outcome);
  }

  abandon(requestId: string): void {
    this.abandoned.push(requestId);
  }

  to(jobId: string): Sent[] {
    return this.sent.filter((s) => s.replica.jobId === jobId);
  }
}

/** An agent's answer with `width` values per record. */
export function answer(sent: Sent, width = 2, extra: Partial<InferResult> = {}): Outcome {
  return {
    kind: 'answer',
    result: {
      type: 'infer.result',
      requestId: sent.request.requestId,
      jobId: sent.replica.jobId,
      outputs: sent.request.records.map(() => Array.from({ length: width }, (_, i) => (i === 0 ? 0.25 : 0.75))),
      batchSize: sent.request.records.length,
      queueMs: 0,
      computeMs: 1,
      ...extra,
    },
  };
}

export function refusal(sent: Sent, code: 'OVERLOADED' | 'DEADLINE' | 'BAD_INPUT' | 'FAILED' | 'UNAVAILABLE'): Outcome {
  return {
    kind: 'answer',
    result: { type: 'infer.result', requestId: sent.request.requestId, jobId: sent.replica.jobId, error: { code, message: code.toLowerCase() }, batchSize: 0, queueMs: 0, computeMs: 0 },
  };
}

export const settings = {
  ...loadConfig({}).inference,
  replicaMaxOutstanding: 4,
  retryBudgetPercent: 20,
  retryMinPerSecond: 0,
  ejectionFailures: 5,
  ejectionLatencyFactor: 3,
  ejectionBaseSeconds: 10,
  ejectionMaxSeconds: 300,
};

export function makeRouter(options: { random?: () => number; settings?: Partial<typeof settings> } = {}) {
  const clock = new ManualClock();
  const directory = new MemoryDirectory();
  const transport = new FakeTransport();
  const metrics = createMetrics();
  const log = createLogger({ logLevel: 'silent' });
  const router = new ReplicaRouter(directory, transport, { ...settings, ...options.settings }, clock, metrics, log, options.random);
  return { clock, directory, transport, metrics, router };
}
