/**
 * The inference router: runs each call on one ready replica of its deployment, picked by power of
 * two choices on peak-EWMA load (replica-state.ts), skipping ejected outliers (outlier-detector.ts)
 * and replicas at their outstanding cap; retries once on another replica when the first failed
 * before answering and the retry budget allows (retry-budget.ts); gives up at the deadline. All of
 * it is in memory, O(replicas of the deployment) a call: no database query on the way, so a flood
 * of calls it must refuse costs the event loop little.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import type { InferenceAnswer, InferenceCall, InferenceRouter } from '../inference.js';
import type { ReplicaDirectory, ReplicaView } from '../replica-directory.js';
import { checkAnswer } from './check-answer.js';
import { OutlierDetector, type EjectionReason } from './outlier-detector.js';
import { ReplicaState } from './replica-state.js';
import type { Outcome, ReplicaTransport } from './replica-transport.js';
import { RetryBudget } from './retry-budget.js';
import type { RouterClock } from './router-clock.js';

export interface RouterSettings {
  maxDeadlineMs: number;
  replicaMaxOutstanding: number;
  retryBudgetPercent: number;
  retryMinPerSecond: number;
  ejectionFailures: number;
  ejectionLatencyFactor: number;
  ejectionBaseSeconds: number;
  ejectionMaxSeconds: number;
}

/** The latency a replica starts with when none of its peers has been measured. */
const NEUTRAL_LATENCY_MS = 10;
/** What a refused call tells the client to wait before trying again. */
const RETRY_AFTER_SECONDS = 1;

type Shed = 'no_replica' | 'full';

/** One call in progress. */
interface Run {
  call: InferenceCall;
  deadlineAt: number;
  startedAt: number;
  retried: boolean;
  done: boolean;
  cancelTimer: () => void;
  resolve: (answer: InferenceAnswer) => void;
  reject: (error: AppError) => void;
  /** The attempt in flight. */
  attempt?: { requestId: string; replica: ReplicaView; state: ReplicaState; sentAt: number };
}

export class ReplicaRouter implements InferenceRouter {
  private readonly states = new Map<string, ReplicaState>();
  private readonly budgets = new Map<string, RetryBudget>();
  /** Request id → what to do with its outcome. */
  private readonly inFlight = new Map<string, (outcome: Outcome) => void>();
  private readonly outliers: OutlierDetector;
  private readonly stopListening: () => void;
  private closed = false;

  constructor(
    private readonly directory: ReplicaDirectory,
    private readonly transport: ReplicaTransport,
    private readonly settings: RouterSettings,
    private readonly clock: RouterClock,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly random: () => number = Math.random,
  ) {
    this.outliers = new OutlierDetector({
      failures: settings.ejectionFailures,
      latencyFactor: settings.ejectionLatencyFactor,
      baseMs: settings.ejectionBaseSeconds * 1000,
      maxMs: settings.ejectionMaxSeconds * 1000,
    });
    this.stopListening = directory.onGone((jobId) => this.gone(jobId));
  }

  /** Gives up on every call in progress (UNAVAILABLE, no retry) and takes no more. */
  close(): void {
    this.closed = true;
    this.stopListening();
    for (const [requestId, settle] of [...this.inFlight]) {
      this.transport.abandon(requestId);
      settle({ kind: 'lost', reason: 'the hub is shutting down' });
    }
  }

  /** What this hub measured of a replica (for tests and the replica's live figures). */
  replicaState(jobId: string): ReplicaState | undefined {
    return this.states.get(jobId);
  }

  infer(call: InferenceCall): Promise<InferenceAnswer> {
    const startedAt = this.clock.now();
    if (this.closed) return Promise.reject(new AppError('UNAVAILABLE', 'The hub is shutting down', [], RETRY_AFTER_SECONDS));
    const deadlineAt = Math.min(call.deadlineAt, startedAt + this.settings.maxDeadlineMs);
    if (deadlineAt <= startedAt) {
      this.observeOutcome(call.deploymentId, 'DEADLINE_EXCEEDED', 0);
      return Promise.reject(new AppError('DEADLINE_EXCEEDED', 'The deadline passed before the prediction was sent'));
    }
    const first = this.pick(call, startedAt, deadlineAt - startedAt);
    if (typeof first === 'string') return Promise.reject(this.shed(call, first));
    this.budget(call.deploymentId).deposit(startedAt);
    return new Promise<InferenceAnswer>((resolve, reject) => {
      const run: Run = { call, deadlineAt, startedAt, retried: false, done: false, cancelTimer: () => undefined, resolve, reject };
      run.cancelTimer = this.clock.setTimer(() => this.expire(run), deadlineAt - startedAt);
      this.send(run, first.replica, first.state);
    });
  }

  /**
   * Power of two choices among the replicas that may take the call now, or why none may: a replica
   * at its outstanding cap, or whose queue would outlast the call's `remainingMs`, may not (the
   * call is refused at once rather than left to time out in a queue).
   */
  private pick(call: InferenceCall, now: number, remainingMs: number, exclude?: string): { replica: ReplicaView; state: ReplicaState } | Shed {
    const candidates: ReplicaView[] = [];
    for (const replica of this.directory.ready(call.deploymentId)) {
      if (replica.jobId === exclude) continue;
      if (call.versionNumber !== undefined && replica.versionNumber !== call.versionNumber) continue;
      if (call.exceptVersions?.includes(replica.versionNumber)) continue;
      candidates.push(replica);
    }
    if (candidates.length === 0) return 'no_replica';
    const states = candidates.map((replica) => this.stateOf(replica, now));
    let pool = candidates.map((replica, i) => ({ replica, state: states[i] })).filter(({ state }) => !state.ejected(now));
    // Every candidate ejected (replicas went away since): a replica under suspicion beats none.
    if (pool.length === 0) pool = candidates.map((replica, i) => ({ replica, state: states[i] }));
    const open = pool.filter(({ state }) => {
      if (state.outstanding.size >= this.settings.replicaMaxOutstanding) return false;
      const wait = state.expectedWaitMs(now);
      return wait === undefined || wait < remainingMs;
    });
    if (open.length === 0) return 'full';
    if (open.length === 1) return open[0];
    const a = Math.floor(this.random() * open.length);
    let b = Math.floor(this.random() * (open.length - 1));
    if (b >= a) b += 1;
    return open[b].state.load(now) < open[a].state.load(now) ? open[b] : open[a];
  }

  private shed(call: InferenceCall, reason: Shed): AppError {
    this.metrics.inferenceShed.inc({ deployment: call.deploymentId, reason });
    this.observeOutcome(call.deploymentId, 'UNAVAILABLE', 0);
    const message =
      reason === 'no_replica'
        ? `No replica${call.versionNumber === undefined ? '' : ` of version ${call.versionNumber}`} of the deployment is ready`
        : 'Every replica of the deployment is busy';
    return new AppError('UNAVAILABLE', message, [], RETRY_AFTER_SECONDS);
  }

  private send(run: Run, replica: ReplicaView, state: ReplicaState): void {
    const now = this.clock.now();
    const requestId = randomUUID();
    run.attempt = { requestId, replica, state, sentAt: now };
    state.outstanding.set(requestId, now);
    this.metrics.inferenceOutstanding.inc();
    this.inFlight.set(requestId, (outcome) => this.settle(run, requestId, outcome));
    this.transport.send(
      { jobId: replica.jobId, attempt: replica.attempt, nodeId: replica.nodeId, hubInstance: replica.hubInstance },
      { requestId, records: run.call.records, deadlineMs: Math.max(1, Math.ceil(run.deadlineAt - now)) },
      (outcome) => this.inFlight.get(requestId)?.(outcome),
    );
  }

  /** Ends the attempt `requestId` (no longer outstanding); false if it already ended. */
  private endAttempt(run: Run, requestId: string): boolean {
    if (!this.inFlight.delete(requestId)) return false;
    this.metrics.inferenceOutstanding.dec();
    run.attempt?.state.outstanding.delete(requestId);
    return true;
  }

  private settle(run: Run, requestId: string, outcome: Outcome): void {
    const attempt = run.attempt;
    if (!attempt || attempt.requestId !== requestId || !this.endAttempt(run, requestId)) return;
    const now = this.clock.now();
    const { replica, state } = attempt;
    if (outcome.kind === 'lost') {
      this.failed(state, replica, now);
      return this.beforeAnswer(run, replica, now, `replica ${replica.jobId} did not answer: ${outcome.reason}`);
    }
    const result = outcome.result;
    const problem = checkAnswer(result, run.call.records.length, replica.outputWidth);
    if (problem) {
      this.log.warn({ replica: replica.jobId, nodeId: replica.nodeId, problem }, 'a replica sent an answer that cannot be believed');
      this.failed(state, replica, now);
      return this.finish(run, new AppError('INTERNAL', 'The replica sent a malformed answer'));
    }
    if (result.error) {
      switch (result.error.code) {
        case 'OVERLOADED':
          return this.beforeAnswer(run, replica, now, `replica ${replica.jobId} is overloaded`);
        case 'DEADLINE':
          return this.beforeAnswer(run, replica, now, `replica ${replica.jobId} dropped the request at its deadline`);
        case 'UNAVAILABLE':
          this.failed(state, replica, now);
          return this.beforeAnswer(run, replica, now, `replica ${replica.jobId} is not serving: ${result.error.message}`);
        case 'BAD_INPUT':
          return this.finish(run, new AppError('INTERNAL', `The replica could not read the records: ${result.error.message}`));
        case 'FAILED':
          this.failed(state, replica, now);
          return this.finish(run, new AppError('INTERNAL', `The prediction failed on the replica: ${result.error.message}`));
      }
    }
    state.observe(now - attempt.sentAt, now);
    state.answered(now);
    const ejected = this.outliers.succeeded(state, this.peersOf(replica), now);
    if (ejected) this.ejected(replica, state, ejected, now);
    this.metrics.inferenceBatchSize.observe({ deployment: replica.deploymentId }, result.batchSize);
    this.finish(run, {
      outputs: result.outputs ?? [],
      versionNumber: replica.versionNumber,
      replicaId: replica.jobId,
      nodeId: replica.nodeId,
      nodeName: replica.nodeName,
      latencyMs: now - run.startedAt,
      batchSize: result.batchSize,
      computeMs: result.computeMs,
      retried: run.retried,
    });
  }

  /** The attempt failed and nothing ran: one retry on another replica, budget and deadline allowing. */
  private beforeAnswer(run: Run, replica: ReplicaView, now: number, why: string): void {
    if (run.done) return;
    if (!run.retried && now < run.deadlineAt && !this.closed) {
      if (this.budget(run.call.deploymentId).tryWithdraw(now)) {
        const next = this.pick(run.call, now, run.deadlineAt - now, replica.jobId);
        if (typeof next !== 'string') {
          this.metrics.inferenceRetries.inc({ deployment: run.call.deploymentId, result: 'retried' });
          run.retried = true;
          return this.send(run, next.replica, next.state);
        }
      } else {
        this.metrics.inferenceRetries.inc({ deployment: run.call.deploymentId, result: 'denied' });
      }
    }
    this.finish(run, new AppError('UNAVAILABLE', `No replica could take the prediction (${why})`, [], RETRY_AFTER_SECONDS));
  }

  /** The deadline passed: the router stops waiting; the agent drops the work itself (it got the time left). */
  private expire(run: Run): void {
    if (run.done) return;
    const attempt = run.attempt;
    if (attempt && this.endAttempt(run, attempt.requestId)) {
      this.transport.abandon(attempt.requestId);
      const now = this.clock.now();
      // What it took so far is a latency it has at least: a replica that keeps the caller past the deadline looks slow at once.
      attempt.state.observe(now - attempt.sentAt, now);
      this.failed(attempt.state, attempt.replica, now);
    }
    this.finish(run, new AppError('DEADLINE_EXCEEDED', 'The prediction did not finish before its deadline'));
  }

  private finish(run: Run, outcome: InferenceAnswer | AppError): void {
    if (run.done) return;
    run.done = true;
    run.cancelTimer();
    const latencyMs = this.clock.now() - run.startedAt;
    if (outcome instanceof AppError) {
      this.observeOutcome(run.call.deploymentId, outcome.code, latencyMs);
      run.reject(outcome);
    } else {
      this.observeOutcome(run.call.deploymentId, 'ok', latencyMs);
      run.resolve(outcome);
    }
  }

  private failed(state: ReplicaState, replica: ReplicaView, now: number): void {
    const ejected = this.outliers.failed(state, this.peersOf(replica), now);
    if (ejected) this.ejected(replica, state, ejected, now);
  }

  private ejected(replica: ReplicaView, state: ReplicaState, reason: EjectionReason, now: number): void {
    this.metrics.inferenceEjections.inc({ deployment: replica.deploymentId, reason });
    this.log.warn(
      { deploymentId: replica.deploymentId, replica: replica.jobId, nodeId: replica.nodeId, reason, ejections: state.ejections, untilMs: state.ejectedUntil - now },
      'replica ejected from rotation',
    );
  }

  /** The states of the deployment's ready replicas (the replica itself included). */
  private peersOf(replica: ReplicaView): ReplicaState[] {
    const now = this.clock.now();
    return this.directory.ready(replica.deploymentId).map((peer) => this.stateOf(peer, now));
  }

  private stateOf(replica: ReplicaView, now: number): ReplicaState {
    let state = this.states.get(replica.jobId);
    if (!state) {
      state = new ReplicaState(replica.jobId, replica.deploymentId, this.neutralLatency(replica.deploymentId, now), now);
      this.states.set(replica.jobId, state);
    }
    return state;
  }

  /** A new replica starts at the median latency of its measured peers: neither favoured nor shunned. */
  private neutralLatency(deploymentId: string, now: number): number {
    const measured: number[] = [];
    for (const state of this.states.values()) {
      if (state.deploymentId === deploymentId && state.samples > 0) measured.push(state.latency.value(now));
    }
    if (measured.length === 0) return NEUTRAL_LATENCY_MS;
    measured.sort((a, b) => a - b);
    return measured[measured.length >> 1];
  }

  private budget(deploymentId: string): RetryBudget {
    let budget = this.budgets.get(deploymentId);
    if (!budget) {
      budget = new RetryBudget(this.settings.retryBudgetPercent, this.settings.retryMinPerSecond);
      this.budgets.set(deploymentId, budget);
    }
    return budget;
  }

  /** A replica stopped serving: what it had outstanding failed before an answer (and may be retried). */
  private gone(jobId: string): void {
    const state = this.states.get(jobId);
    if (!state) return;
    this.states.delete(jobId);
    for (const requestId of [...state.outstanding.keys()]) {
      this.transport.abandon(requestId);
      this.inFlight.get(requestId)?.({ kind: 'lost', reason: 'the replica stopped serving' });
    }
  }

  private observeOutcome(deploymentId: string, outcome: string, latencyMs: number): void {
    this.metrics.inferenceDuration.observe({ deployment: deploymentId, outcome }, latencyMs / 1000);
  }
}
