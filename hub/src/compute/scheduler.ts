/**
 * The scheduler: hands queued jobs to the agents connected to this hub, and turns what agents
 * report into job state. The database is the source of truth (see queue/); this keeps only who is
 * connected here and what each holds.
 *
 * Dispatch is pushed: enqueueing a job, a job ending, an agent connecting or another hub's signal
 * all "kick" the dispatcher, which offers work to idle agents — fastest by measured speed first
 * (AgentSession.preferredTo) — by claiming jobs for each with FOR UPDATE SKIP LOCKED. What the hub
 * measures of each job (wall time per unit of work, concurrency handled, give-backs) is recorded
 * on its node (NodesService.recordRun / recordGiveBack) and weighs the node from then on. Kicks are coalesced: one dispatch runs at a
 * time and a kick during it schedules one more pass.
 *
 * Leases are renewed by heartbeats. Housekeeping (node-cron) requeues jobs whose lease expired,
 * marks nodes of vanished hubs offline, and kicks for delayed retries that came due.
 */
import cron from 'node-cron';
import type { DataSource } from 'typeorm';
import { JOB_KINDS, isJobKind, type AgentToHub, type JobKind, type Message } from '../../../schema/index.js';
import { issueToken } from '../accounts/index.js';
import type { Config } from '../config.js';
import { preparedConnection, type PreparedConnection } from '../db/prepared.js';
import { rows, type Queryable } from '../db/rows.js';
import type { Signals } from '../db/signals.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { AgentSession } from './agent-session.js';
import type { JobKindHooks, JobKinds } from './job-kinds.js';
import type { JobsService } from './jobs.service.js';
import { behaviourOf, type NodesService } from './nodes.service.js';
import { claimJobs, warmClaims } from './queue/claim-jobs.js';
import { failJob, loseJobs, releaseJob, succeedJob, type Backoff, type FinishedJob } from './queue/finish-attempt.js';
import { renewLeases } from './queue/renew-leases.js';

/** A job as its job token opens it (job-agent.routes.ts and other domains' job routes). */
export interface LeasedJob {
  id: string;
  kind: string;
  payload: unknown;
  /** The attempt the token belongs to. */
  attempt: number;
  nodeId: string;
  ownerId: string;
}

/** A give-back: a job released, or failed, this soon after the node got it. */
const QUICK_GIVE_BACK_MS = 5_000;

type Report = Message<AgentToHub, 'job.started' | 'job.progress' | 'job.succeeded' | 'job.failed' | 'job.released'>;

export class Scheduler {
  private readonly sessions = new Map<string, AgentSession>();
  private dispatching: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private readonly stops: (() => void)[] = [];
  private readonly backoff: Backoff;
  /** Last progress write per job, to keep a chatty job from writing on every report. */
  private readonly progressWrittenAt = new Map<string, number>();
  /** Claims run on a connection of their own (a prepared statement, db/prepared.ts); on PGlite, on the DataSource. */
  private readonly claimConnection: PreparedConnection | undefined;
  private readonly claims: Queryable;

  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
    private readonly jobs: JobsService,
    private readonly nodes: NodesService,
    private readonly kinds: JobKinds,
    private readonly signals: Signals,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    /** The database claims run on over a connection of their own (db/prepared.ts); undefined on PGlite. */
    claimDatabaseUrl: string | undefined,
  ) {
    this.claimConnection = claimDatabaseUrl ? preparedConnection(claimDatabaseUrl, 'aimass_claims') : undefined;
    this.claims = this.claimConnection ?? db;
    this.backoff = { baseSeconds: config.jobs.retryBaseSeconds, maxSeconds: config.jobs.retryMaxSeconds };
    this.stops.push(
      signals.on('jobs', () => this.kick()),
      signals.on('jobCanceled', ({ jobId, nodeId, attempt }) => this.cancelOnNode(jobId, nodeId, attempt)),
      signals.on('nodeChanged', ({ nodeId }) => void this.reloadNode(nodeId)),
    );
    const task = cron.schedule(`*/${config.jobs.tickSeconds} * * * * *`, () => void this.housekeeping(), { name: 'scheduler-housekeeping' });
    this.stops.push(() => void task.stop());
  }

  get connectedCount(): number {
    return this.sessions.size;
  }

  isConnected(nodeId: string): boolean {
    return this.sessions.has(nodeId);
  }

  session(nodeId: string): AgentSession | undefined {
    return this.sessions.get(nodeId);
  }

  /**
   * A new agent connection for this node, registered before `welcome` is sent so the agent is
   * known the moment it hears it; `ready()` follows the welcome. Jobs it says it still runs (after a reconnect) keep their
   * leases if they are still its own; others it must stop. Jobs leased to the node that it does not
   * report were lost with its previous process and are requeued now rather than at lease expiry.
   */
  async attach(session: AgentSession, running: { jobId: string; attempt: number }[]): Promise<void> {
    const previous = this.sessions.get(session.nodeId);
    this.sessions.set(session.nodeId, session);
    if (previous && previous !== session) previous.held.clear();
    const kept = new Set(await renewLeases(this.db, session.nodeId, running, this.config.jobs.leaseSeconds));
    for (const { jobId, attempt } of running) {
      if (kept.has(jobId)) session.held.set(jobId, attempt);
      else session.send({ type: 'job.cancel', jobId, attempt, reason: 'This job is no longer leased to this node' });
    }
    const active: { id: string }[] = await this.db.query(`SELECT id FROM jobs WHERE node_id = $1 AND status IN ('leased', 'running')`, [session.nodeId]);
    const lost = active.map((r) => r.id).filter((id) => !kept.has(id));
    if (lost.length > 0) {
      const requeued = await loseJobs(this.db, { nodeId: session.nodeId, jobIds: lost }, this.backoff);
      for (const job of requeued) await this.jobs.refresh(job.id);
    }
    this.metrics.agentsConnected.set(this.sessions.size);
  }

  /** After `welcome`: the agent may now be given work (a benchmark first, if it is new). */
  async ready(session: AgentSession): Promise<void> {
    await this.benchmarkIfNew(session);
    this.kick();
  }

  detach(session: AgentSession): void {
    if (this.sessions.get(session.nodeId) !== session) return;
    this.sessions.delete(session.nodeId);
    this.metrics.agentsConnected.set(this.sessions.size);
    // Held jobs keep their leases: the agent may come back within the lease and report them.
  }

  private async benchmarkIfNew(session: AgentSession): Promise<void> {
    if (!this.config.jobs.benchmarkOnJoin) return;
    const [row] = await this.db.query(
      `SELECT n.benchmarked_at IS NULL AS needs,
              EXISTS (SELECT 1 FROM jobs WHERE kind = 'benchmark' AND (requirements->>'nodeId') = $2 AND status IN ('queued', 'leased', 'running')) AS pending
       FROM nodes n WHERE n.id = $1`,
      [session.nodeId, session.nodeId],
    );
    if (row?.needs && !row.pending) {
      await this.jobs.enqueue({ kind: 'benchmark', payload: JOB_KINDS.benchmark.payload.parse({}), ownerId: session.ownerId, requirements: { nodeId: session.nodeId }, priority: 100, maxAttempts: 2 });
    }
  }

  /** Asks for a dispatch pass; returns when the pass that covers this kick is done. */
  kick(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.dispatching) {
      this.again = true;
      return this.dispatching;
    }
    this.dispatching = (async () => {
      try {
        do {
          this.again = false;
          await this.dispatch();
        } while (this.again && !this.closed);
      } catch (error) {
        this.log.error({ err: error }, 'dispatch failed');
      } finally {
        this.dispatching = undefined;
      }
    })();
    return this.dispatching;
  }

  private async dispatch(): Promise<void> {
    // One cheap probe instead of a claim per idle agent when nothing is waiting (most kicks), and
    // again after a claim that came back short, so one job does not cost a claim per idle agent.
    if (![...this.sessions.values()].some((s) => s.freeSlots > 0)) return;
    const probe = async () =>
      (await this.db.query(`SELECT now() AS at, EXISTS (SELECT 1 FROM jobs WHERE status = 'queued' AND run_after <= now()) AS w`))[0] as { at: Date; w: boolean };
    const start = await probe();
    if (!start.w) return;
    const waiting = async () => (await probe()).w;
    const tried = new Set<AgentSession>();
    while (!this.closed) {
      // The fastest idle agent not yet offered work in this pass, chosen afresh each time: an
      // agent that freed up during the pass is preferred over slower ones still waiting.
      const session = [...this.sessions.values()]
        .filter((s) => s.freeSlots > 0 && !tried.has(s))
        .reduce<AgentSession | undefined>((best, s) => (!best || s.preferredTo(best) ? s : best), undefined);
      if (!session) return;
      tried.add(session);
      const wanted = session.freeSlots;
      const claimed = await this.claimFor(session, wanted, start.at);
      if (claimed < wanted && !(await waiting())) return;
    }
  }

  /** Claims up to `wanted` jobs for one agent, their attempts recorded, in one statement, and sends them; returns how many. */
  private async claimFor(session: AgentSession, wanted: number, queuedBy: Date): Promise<number> {
    // A token for every job wanted, before the claim: the statement stores their hashes itself.
    const tokens = Array.from({ length: wanted }, () => issueToken('amj'));
    const byHash = new Map(tokens.map((t) => [t.hash, t]));
    const jobs = await claimJobs(this.claims, session.nodeId, wanted, this.config.jobs.leaseSeconds, queuedBy, tokens.map((t) => t.hash));
    const claimed = jobs.map((job) => ({ ...job, token: byHash.get(job.tokenHash!)! }));
    for (const job of claimed) {
      if (this.sessions.get(session.nodeId) !== session || session.socket.readyState !== session.socket.OPEN) break; // lease expires, job returns
      session.held.set(job.id, job.attempt);
      session.assignedAt.set(job.id, Date.now());
      session.dispatched.set(job.id, { kind: job.kind, work: this.workOf(job.kind, job.payload) });
      if (job.kind === 'serve') session.serving.add(job.id);
      session.send({
        type: 'job.assign',
        jobId: job.id,
        attempt: job.attempt,
        kind: job.kind,
        payload: job.payload,
        leaseExpiresAt: job.leaseExpiresAt.toISOString(),
        jobToken: job.token.token,
      });
      this.metrics.jobsDispatched.inc({ kind: job.kind });
    }
    for (const job of claimed) void this.jobs.refresh(job.id).catch(() => undefined);
    return claimed.length;
  }

  /** The job a job token opens, while its attempt holds an unexpired lease. */
  async leasedJob(id: string, tokenHash: string): Promise<LeasedJob | undefined> {
    const [row] = await this.db.query(
      `SELECT id, kind, payload, attempts AS attempt, node_id AS "nodeId", owner_id AS "ownerId" FROM jobs
       WHERE id = $1 AND job_token_hash = $2 AND status IN ('leased', 'running') AND lease_expires_at > now()`,
      [id, tokenHash],
    );
    return row;
  }


  async heartbeat(session: AgentSession, message: Message<AgentToHub, 'heartbeat'>): Promise<void> {
    await this.nodes.heartbeat(session.nodeId, message.load, message.memoryUsedBytes);
    const mine = message.running.filter((h) => session.held.get(h.jobId) === h.attempt);
    await renewLeases(this.db, session.nodeId, mine, this.config.jobs.leaseSeconds);
  }

  async draining(session: AgentSession): Promise<void> {
    session.draining = true;
    await this.nodes.markDraining(session.nodeId);
  }

  /**
   * A report about a job. Returns false when the job (or that attempt) is not leased to this node:
   * the gateway refuses it with NOT_LEASED.
   */
  async report(session: AgentSession, message: Report): Promise<boolean> {
    if (session.held.get(message.jobId) !== message.attempt) return false;
    const { jobId, attempt } = message;
    switch (message.type) {
      case 'job.started':
        await this.updateAndTell(
          `UPDATE jobs SET status = 'running', updated_at = now() WHERE id = $1 AND node_id = $2 AND attempts = $3 AND status = 'leased'`,
          [jobId, session.nodeId, attempt],
        );
        return true;
      case 'job.progress': {
        const last = this.progressWrittenAt.get(jobId) ?? 0;
        if (Date.now() - last < 250 && message.progress < 1) return true; // throttled: at most 4 writes a second
        this.progressWrittenAt.set(jobId, Date.now());
        await this.updateAndTell(
          `UPDATE jobs SET progress = $4, progress_message = $5, metrics = coalesce($6::jsonb, metrics), status = 'running', updated_at = now()
           WHERE id = $1 AND node_id = $2 AND attempts = $3 AND status IN ('leased', 'running')`,
          [jobId, session.nodeId, attempt, message.progress, message.message ?? null, message.metrics ? JSON.stringify(message.metrics) : null],
        );
        return true;
      }
      case 'job.succeeded': {
        const concurrent = session.held.size;
        // Known from the claim (finish forgets them): the job's kind and work, and how long it ran.
        const dispatched = session.dispatched.get(jobId);
        const handedOutAt = session.assignedAt.get(jobId);
        const ran = dispatched && handedOutAt !== undefined ? { ...dispatched, seconds: (Date.now() - handedOutAt) / 1000 } : undefined;
        return this.finish(
          session,
          jobId,
          attempt,
          () => this.succeed(session, jobId, attempt, message.result, ran?.kind),
          // The node's measured speed, after the job's subscribers heard of its end (and before the next claim).
          async (finished) => {
            if (finished.status === 'succeeded') await this.measure(session, finished, attempt, concurrent, ran);
          },
        );
      }
      case 'job.failed': {
        const quick = this.quick(session, jobId) && message.retryable;
        return this.finish(session, jobId, attempt, async () => {
          const finished = await failJob(this.db, jobId, session.nodeId, attempt, message.error, message.retryable, this.backoff);
          if (finished && quick) await this.gaveBack(session);
          return this.failed(session, finished, message.error);
        });
      }
      case 'job.released': {
        const quick = !session.draining;
        return this.finish(session, jobId, attempt, async () => {
          const finished = await releaseJob(this.db, jobId, session.nodeId, attempt, message.reason);
          if (finished && quick) await this.gaveBack(session);
          return finished;
        });
      }
    }
  }

  /** Did the node end this job within seconds of getting it? */
  private quick(session: AgentSession, jobId: string): boolean {
    const at = session.assignedAt.get(jobId);
    return at !== undefined && Date.now() - at < QUICK_GIVE_BACK_MS;
  }

  /** A job's work in reference seconds, as its kind estimates it from the payload (undefined: not measured). */
  private workOf(kind: string, payload: unknown): number | undefined {
    return isJobKind(kind) ? (this.kinds.of(kind).work as ((p: unknown) => number) | undefined)?.(payload) : undefined;
  }

  /**
   * Records the wall time of a job the node ran well, and weighs the node by it from now on: from
   * handing the job out to its report on this hub's clock when this session handed it out (`ran`),
   * else from the attempt's start to its end in the database.
   */
  private async measure(session: AgentSession, job: FinishedJob, attempt: number, concurrent: number, ran?: { work: number | undefined; seconds: number }): Promise<void> {
    try {
      let measured = ran;
      if (!measured) {
        const [row] = await this.db.query(
          `SELECT extract(epoch from (coalesce(a.ended_at, now()) - a.started_at))::float8 AS seconds, j.payload
           FROM job_attempts a JOIN jobs j ON j.id = a.job_id WHERE a.job_id = $1 AND a.attempt = $2`,
          [job.id, attempt],
        );
        if (!row) return;
        measured = { work: this.workOf(job.kind, row.payload), seconds: row.seconds };
      }
      if (!isJobKind(job.kind)) return;
      const behaviour = await this.nodes.recordRun(session.nodeId, measured.work, measured.seconds, concurrent);
      if (behaviour) session.behaviour = behaviour;
    } catch (error) {
      this.log.error({ err: error, jobId: job.id }, 'recording a node’s measured speed failed');
    }
  }

  /** Counts a give-back; a node that keeps giving jobs back is throttled (NodesService.recordGiveBack). */
  private async gaveBack(session: AgentSession): Promise<void> {
    const behaviour = await this.nodes.recordGiveBack(session.nodeId);
    if (!behaviour) return;
    if (behaviour.throttledUntil && !session.throttled && behaviour.throttledUntil > new Date()) {
      this.log.warn({ nodeId: session.nodeId, until: behaviour.throttledUntil }, 'node keeps giving jobs back; throttled');
    }
    session.behaviour = behaviour;
  }

  /**
   * Runs an UPDATE of one job row and tells its subscribers the row as updated (no second read);
   * when it updated nothing (a duplicate report, a job canceled meanwhile) there is nothing to tell.
   */
  private async updateAndTell(update: string, params: unknown[]): Promise<void> {
    const [row] = rows<{ job: Record<string, unknown> }>(await this.db.query(`${update} RETURNING ${this.jobs.rowJsonSql('jobs')} AS job`, params));
    if (row) this.jobs.publishRow(row.job);
  }

  /** Checks the result against the kind's schema before believing an (untrusted) agent. */
  private async succeed(session: AgentSession, jobId: string, attempt: number, result: unknown, knownKind?: string): Promise<FinishedJob | undefined> {
    const kind = knownKind ?? ((await this.db.query(`SELECT kind FROM jobs WHERE id = $1`, [jobId]))[0]?.kind as string | undefined);
    if (!kind || !isJobKind(kind)) return undefined;
    const parsed = JOB_KINDS[kind].result.safeParse(result);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const reason = `the node reported an invalid result (${issue.path.join('.') || 'result'}: ${issue.message})`;
      this.log.warn({ nodeId: session.nodeId, jobId, reason }, 'refused a job result');
      return this.failed(session, await failJob(this.db, jobId, session.nodeId, attempt, reason, true, this.backoff), reason);
    }
    const hooks = this.kinds.of(kind) as JobKindHooks<JobKind>;
    const job = { id: jobId, nodeId: session.nodeId };
    const refusal = await hooks.checkResult?.(job, parsed.data);
    if (refusal) {
      const reason = `the node reported success, but ${refusal}`;
      this.log.warn({ nodeId: session.nodeId, jobId, reason }, 'refused a job result');
      return this.failed(session, await failJob(this.db, jobId, session.nodeId, attempt, reason, true, this.backoff), reason);
    }
    const finished = await succeedJob(this.db, jobId, session.nodeId, attempt, parsed.data);
    if (finished) {
      try {
        await hooks.onSucceeded?.(job, parsed.data);
      } catch (error) {
        this.log.error({ err: error, jobId, kind }, 'job result handler failed');
      }
    }
    return finished;
  }

  /** Runs the kind's onFailed hook when this attempt ended the job as failed (not when it was requeued). */
  private async failed(session: AgentSession, finished: FinishedJob | undefined, reason: string): Promise<FinishedJob | undefined> {
    if (finished?.status !== 'failed' || !isJobKind(finished.kind)) return finished;
    try {
      await (this.kinds.of(finished.kind) as JobKindHooks<JobKind>).onFailed?.({ id: finished.id, nodeId: session.nodeId }, reason);
    } catch (error) {
      this.log.error({ err: error, jobId: finished.id, kind: finished.kind }, 'job failure handler failed');
    }
    return finished;
  }

  /** `then`: what the attempt's end leads to besides the job's row (told first), before the next claim. */
  private async finish(
    session: AgentSession,
    jobId: string,
    attempt: number,
    end: () => Promise<FinishedJob | undefined>,
    then?: (finished: FinishedJob) => Promise<void>,
  ): Promise<boolean> {
    // The agent's slot is free as soon as it reports, before the database says so.
    session.held.delete(jobId);
    session.assignedAt.delete(jobId);
    session.dispatched.delete(jobId);
    this.progressWrittenAt.delete(jobId);
    const finished = await end();
    if (!finished) return false;
    this.metrics.jobsFinished.inc({ kind: finished.kind, status: finished.status });
    // The row the attempt's end wrote, told after the kind's hooks ran (no hook changes the job's row).
    this.jobs.publishRow(finished.row);
    await then?.(finished);
    if (finished.status === 'queued') this.signals.emit('jobs', {});
    else this.kick(); // a slot freed up
    return true;
  }

  private cancelOnNode(jobId: string, nodeId: string, attempt: number): void {
    const session = this.sessions.get(nodeId);
    if (!session || session.held.get(jobId) !== attempt) return;
    session.held.delete(jobId);
    session.assignedAt.delete(jobId);
    session.dispatched.delete(jobId);
    session.send({ type: 'job.cancel', jobId, attempt, reason: 'canceled by its owner' });
    this.kick();
  }

  private async reloadNode(nodeId: string): Promise<void> {
    const session = this.sessions.get(nodeId);
    if (!session) return;
    const node = await this.nodes.byId(nodeId);
    if (!node) {
      session.socket.close(4008, 'node deleted');
      return;
    }
    session.draining = node.draining;
    session.behaviour = behaviourOf(node);
    this.kick();
  }

  async housekeeping(): Promise<void> {
    try {
      const lost = await loseJobs(this.db, { expiredBefore: 'now' }, this.backoff);
      for (const nodeId of new Set(lost.map((job) => job.nodeId))) await this.nodes.recordLoss(nodeId);
      for (const job of lost) {
        const holder = this.sessions.get(job.nodeId);
        holder?.held.delete(job.id);
        holder?.assignedAt.delete(job.id);
        holder?.dispatched.delete(job.id);
        this.log.warn({ jobId: job.id, nodeId: job.nodeId, status: job.status }, 'job lease expired');
        await this.jobs.refresh(job.id);
      }
      await this.nodes.markStale(this.config.agent.heartbeatSeconds * 3 + 5);
      // Touch the nodes this hub holds, so other hubs don't mark them stale between heartbeats.
      this.kick();
    } catch (error) {
      this.log.error({ err: error }, 'scheduler housekeeping failed');
    }
  }

  /**
   * Readies the claim connection before the first claim needs it (opened, both statements
   * prepared and planned). A failure is only logged: the first claim then does it, as any claim
   * after a lost connection does.
   */
  async warm(): Promise<void> {
    if (!this.claimConnection) return;
    await warmClaims(this.claimConnection).catch((error: unknown) => {
      if (!this.closed) this.log.warn({ err: error }, 'could not ready the claim connection ahead of the first claim');
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.stops) stop();
    await this.dispatching;
    await this.claimConnection?.close();
  }
}
