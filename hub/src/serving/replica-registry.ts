/**
 * Which replicas are ready, on every hub (ReplicaDirectory), and the replica frames of compute's
 * agent gateway (AgentFrameHandler): `replica.ready`, heartbeat load, disconnects.
 *
 * The table deployment_replicas is the truth shared by the hubs; each hub keeps an in-memory index
 * of the ready replicas per deployment so that `ready()` costs a map lookup (the router asks on
 * every request). A hub that changes a deployment's replicas emits the `replicasChanged` signal;
 * every hub (itself included) reloads that deployment's ready replicas from the table and tells
 * the router about the ones gone. Agents are untrusted: a frame about a job the node does not hold
 * (session.held) is refused, and load figures are written only for held replicas.
 */
import type { DataSource } from 'typeorm';
import type { ReplicaLoad } from '../../../schema/index.js';
import type { AgentFrameHandler, AgentSession, ReplicaFrame } from '../compute/index.js';
import { rows } from '../db/rows.js';
import type { Signals } from '../db/signals.js';
import type { Logger } from '../logger.js';
import type { EventBus } from '../pubsub.js';
import type { DeploymentReconciler } from './reconciler.js';
import type { ReplicaDirectory, ReplicaView } from './replica-directory.js';

/** At most one load write per replica, and one load event per deployment, this often. */
const LOAD_WRITE_MS = 1000;

export class ReplicaRegistry implements ReplicaDirectory, AgentFrameHandler {
  private readonly byDeployment = new Map<string, readonly ReplicaView[]>();
  private readonly goneListeners = new Set<(jobId: string) => void>();
  /** Calls waiting for a deployment to have a ready replica (a cold start), by deployment. */
  private readonly readyWaiters = new Map<string, Set<() => void>>();
  private readonly loadWrittenAt = new Map<string, number>();
  private readonly loadPublishedAt = new Map<string, number>();
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly db: DataSource,
    private readonly signals: Signals,
    private readonly events: EventBus,
    private readonly reconciler: DeploymentReconciler,
    /** Whether `session` is still the node's connection to this hub (not replaced by a newer one). */
    private readonly isCurrent: (session: AgentSession) => boolean,
    private readonly log: Logger,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Loads every ready replica and listens for other hubs' changes. */
  async start(): Promise<void> {
    this.stops.push(this.signals.on('replicasChanged', ({ deploymentId }) => void this.reload(deploymentId)));
    const all = await this.query(`r.state = 'ready'`, []);
    for (const [deploymentId, views] of groupBy(all)) this.byDeployment.set(deploymentId, views);
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  // ---- ReplicaDirectory ------------------------------------------------------------------------

  ready(deploymentId: string): readonly ReplicaView[] {
    return this.byDeployment.get(deploymentId) ?? [];
  }

  /**
   * Resolves true as soon as the deployment has a ready replica (at once if it has one), false
   * once `deadlineAt` (epoch ms) passes first.
   */
  whenReady(deploymentId: string, deadlineAt: number): Promise<boolean> {
    if (this.ready(deploymentId).length > 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiters = this.readyWaiters.get(deploymentId) ?? new Set<() => void>();
      this.readyWaiters.set(deploymentId, waiters);
      const done = (ready: boolean) => {
        clearTimeout(timer);
        waiters.delete(wake);
        if (waiters.size === 0 && this.readyWaiters.get(deploymentId) === waiters) this.readyWaiters.delete(deploymentId);
        resolve(ready);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), Math.max(0, deadlineAt - this.now()));
      waiters.add(wake);
    });
  }

  onGone(listener: (jobId: string) => void): () => void {
    this.goneListeners.add(listener);
    return () => this.goneListeners.delete(listener);
  }

  private async query(where: string, params: unknown[]): Promise<ReplicaView[]> {
    const found: any[] = await this.db.query(
      // The answer width the router checks agents' outputs against: one per class, or one value.
      `SELECT r.job_id, r.attempt, r.deployment_id, r.version_id, r.version_number, r.node_id, r.hub_instance, n.name AS node_name,
         greatest(1, coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(v.signature->'labels') = 'array' THEN v.signature->'labels' END), 0)) AS output_width
       FROM deployment_replicas r JOIN nodes n ON n.id = r.node_id LEFT JOIN model_versions v ON v.id = r.version_id WHERE ${where}`,
      params,
    );
    return found.map((r) => ({
      jobId: r.job_id,
      attempt: Number(r.attempt),
      deploymentId: r.deployment_id,
      versionId: r.version_id,
      versionNumber: Number(r.version_number),
      nodeId: r.node_id,
      nodeName: r.node_name,
      hubInstance: r.hub_instance ?? '',
      outputWidth: Number(r.output_width),
    }));
  }

  /** Re-reads one deployment's ready replicas; the router hears about those gone. */
  async reload(deploymentId: string): Promise<void> {
    try {
      const views = await this.query(`r.deployment_id = $1 AND r.state = 'ready'`, [deploymentId]);
      const before = this.byDeployment.get(deploymentId) ?? [];
      if (views.length > 0) this.byDeployment.set(deploymentId, views);
      else this.byDeployment.delete(deploymentId);
      if (views.length > 0) for (const wake of [...(this.readyWaiters.get(deploymentId) ?? [])]) wake();
      const still = new Set(views.map((v) => v.jobId));
      for (const gone of before.filter((v) => !still.has(v.jobId))) this.gone(gone.jobId);
    } catch (error) {
      this.log.error({ err: error, deploymentId }, 'reloading a deployment’s replicas failed');
    }
  }

  private gone(jobId: string): void {
    this.loadWrittenAt.delete(jobId);
    for (const listener of this.goneListeners) {
      try {
        listener(jobId);
      } catch (error) {
        this.log.error({ err: error, jobId }, 'a replica-gone listener threw');
      }
    }
  }

  /** Drops the replicas of a deployment from the index at once (this hub's own knowledge that they are gone). */
  private dropLocally(jobIds: ReadonlySet<string>): void {
    for (const [deploymentId, views] of this.byDeployment) {
      const kept = views.filter((v) => !jobIds.has(v.jobId));
      if (kept.length === views.length) continue;
      if (kept.length > 0) this.byDeployment.set(deploymentId, kept);
      else this.byDeployment.delete(deploymentId);
    }
    for (const jobId of jobIds) this.gone(jobId);
  }

  // ---- AgentFrameHandler -----------------------------------------------------------------------

  async frame(session: AgentSession, message: ReplicaFrame): Promise<boolean | undefined> {
    if (message.type !== 'replica.ready') return undefined;
    if (session.held.get(message.jobId) !== message.attempt) return false;
    // Only a serve job of a deployment becomes a replica; a stopping one does not come back.
    const updated = rows<{ deployment_id: string }>(
      await this.db.query(
        `UPDATE deployment_replicas r SET state = 'ready', node_id = $2, hub_instance = $3, attempt = $4, ready_at = now(), updated_at = now(),
           in_flight = 0, queued = 0, latency_ms = NULL
         FROM jobs j WHERE r.job_id = $1 AND j.id = r.job_id AND j.kind = 'serve' AND j.node_id = $2 AND j.attempts = $4
           AND j.status IN ('leased', 'running') AND r.state IN ('placing', 'lost', 'ready')
         RETURNING r.deployment_id`,
        [message.jobId, session.nodeId, this.signals.instanceId, message.attempt],
      ),
    );
    const deploymentId = updated[0]?.deployment_id;
    if (!deploymentId) {
      const [job] = await this.db.query(`SELECT kind FROM jobs WHERE id = $1`, [message.jobId]);
      // A serve job being stopped is still held until the agent hears the cancel: nothing to do.
      return job?.kind === 'serve';
    }
    await this.db.query(`UPDATE deployments SET failures = 0 WHERE id = $1 AND failures <> 0`, [deploymentId]);
    this.log.info({ jobId: message.jobId, nodeId: session.nodeId, warmupMs: message.warmupMs }, 'replica ready');
    this.signals.emit('replicasChanged', { deploymentId });
    await this.reconciler.reconcile(deploymentId);
    this.events.publish('DEPLOYMENT_CHANGED', deploymentId, { id: deploymentId });
    return true;
  }

  async heartbeat(session: AgentSession, replicas: ReplicaLoad[]): Promise<void> {
    const now = this.now();
    const due = replicas.filter((r) => session.held.has(r.jobId) && now - (this.loadWrittenAt.get(r.jobId) ?? 0) >= LOAD_WRITE_MS);
    if (due.length === 0) return;
    for (const r of due) this.loadWrittenAt.set(r.jobId, now);
    // Replicas stopped without going through this index leave their throttle entry: pruned in bulk.
    if (this.loadWrittenAt.size > 1000) for (const [id, at] of this.loadWrittenAt) if (now - at > 60_000) this.loadWrittenAt.delete(id);
    if (this.loadPublishedAt.size > 1000) for (const [id, at] of this.loadPublishedAt) if (now - at > 60_000) this.loadPublishedAt.delete(id);
    try {
      const updated = rows<{ deployment_id: string }>(
        await this.db.query(
          `UPDATE deployment_replicas r SET in_flight = l.in_flight, queued = l.queued, latency_ms = l.latency_ms, updated_at = now()
           FROM unnest($1::uuid[], $2::int[], $3::int[], $4::float8[]) AS l(job_id, in_flight, queued, latency_ms)
           WHERE r.job_id = l.job_id AND r.node_id = $5 AND r.state = 'ready'
           RETURNING r.deployment_id`,
          [due.map((r) => r.jobId), due.map((r) => r.inFlight), due.map((r) => r.queued), due.map((r) => r.latencyMs), session.nodeId],
        ),
      );
      for (const deploymentId of new Set(updated.map((r) => r.deployment_id))) {
        if (now - (this.loadPublishedAt.get(deploymentId) ?? 0) < LOAD_WRITE_MS) continue;
        this.loadPublishedAt.set(deploymentId, now);
        this.events.publish('DEPLOYMENT_CHANGED', deploymentId, { id: deploymentId });
      }
    } catch (error) {
      this.log.error({ err: error, nodeId: session.nodeId }, 'recording replica load failed');
    }
  }

  disconnected(session: AgentSession): void {
    if (!this.isCurrent(session)) return;
    void this.lose(session.nodeId).catch((error) => this.log.error({ err: error, nodeId: session.nodeId }, 'replacing a disconnected node’s replicas failed'));
  }

  /** The node's replicas on this hub are not ready from now on; their deployments place replacements at once. */
  private async lose(nodeId: string): Promise<void> {
    const lost = rows<{ job_id: string; deployment_id: string }>(
      await this.db.query(
        `UPDATE deployment_replicas r SET state = 'lost', updated_at = now()
         FROM jobs j WHERE j.id = r.job_id AND j.node_id = $1 AND j.status IN ('leased', 'running') AND r.state IN ('placing', 'ready')
           AND (r.hub_instance IS NULL OR r.hub_instance = $2)
         RETURNING r.job_id, r.deployment_id`,
        [nodeId, this.signals.instanceId],
      ),
    );
    if (lost.length === 0) return;
    this.dropLocally(new Set(lost.map((r) => r.job_id)));
    for (const deploymentId of new Set(lost.map((r) => r.deployment_id))) {
      this.signals.emit('replicasChanged', { deploymentId });
      await this.reconciler.reconcile(deploymentId);
      this.events.publish('DEPLOYMENT_CHANGED', deploymentId, { id: deploymentId });
    }
  }
}

function groupBy(views: ReplicaView[]): Map<string, ReplicaView[]> {
  const out = new Map<string, ReplicaView[]>();
  for (const v of views) {
    const list = out.get(v.deploymentId) ?? [];
    list.push(v);
    out.set(v.deploymentId, list);
  }
  return out;
}
