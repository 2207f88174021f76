/**
 * Keeps each deployment at its desired number of replicas (`serve` jobs): places missing ones,
 * replaces lost ones, stops surplus ones, follows its alias, and sets its status.
 *
 * One pass over one deployment runs in a transaction holding the deployment's row (FOR UPDATE), so
 * hubs sharing the database take turns on it and never both place the same missing replica. Passes
 * run on every change (create, update), replica event (ready, lost, failed) and on a tick
 * (AIMASS_SERVE_RECONCILE_MS) for the deployments that need one. An alias moved by the catalog
 * (the `aliasMoved` signal, heard by every hub) reconciles the deployments following it at once;
 * the tick still notices a move whose signal was lost, and jobs compute requeued or ended on its
 * own (lease expiry).
 *
 * The rules of one pass, per variant (a deployment that is not split has one: its version, desired
 * = minReplicas, or the autoscaler's wanted count when it is autoscaled; a split one divides that
 * among its variants, split/variants.ts variantReplicas):
 * - current = active replicas of the variant's version that are not lost. Missing current
 *   replicas are placed (none while FAILED); surplus ones are stopped, queued first, then loading,
 *   then the newest ready.
 * - a rolling update (a version no variant serves any more): its replicas keep serving while fewer
 *   than desired current ones are ready (all variants together), one stopped per new one ready.
 * - lost replicas (their agent disconnected) count for nothing; they are stopped once their
 *   variant's desired replicas are ready, or come back (`replica.ready` again) and are then surplus.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { ServePayload } from '../../../schema/index.js';
import type { JobsService } from '../compute/index.js';
import type { Config } from '../config.js';
import { rows } from '../db/rows.js';
import type { Signals } from '../db/signals.js';
import type { Logger } from '../logger.js';
import { PeriodicPass } from './periodic-pass.js';
import type { EventBus } from '../pubsub.js';
import { DeploymentStatus, type Deployment } from './deployment.entity.js';
import type { DeploymentsService } from './deployments.service.js';
import { budgetCeiling, budgetHoldMessage, isBudgetHoldMessage } from './budgets/budget-hold.js';
import { servedVersion } from './served-version.js';
import { variantReplicas, variantsOf, type StoredVariant } from './split/variants.js';
import type { DeploymentEvents } from './events/deployment-events.js';

/** Replicas a deployment row is kept at: the autoscaler's wanted count when autoscaled, else minReplicas; never more than its budget's hold allows. */
export function desiredReplicas(row: { autoscaling?: unknown; wanted_replicas?: number | null; min_replicas: number; budget_hold?: string | null }): number {
  return Math.min(row.autoscaling && row.wanted_replicas != null ? row.wanted_replicas : row.min_replicas, budgetCeiling(row));
}

/** The status message of a deployment whose replicas remove() is stopping; passes leave it alone. */
const DELETING = 'deleting';

/** Replicas that end failed in a row (none ready in between) before the deployment is FAILED. */
export const FAILURES_BEFORE_FAILED = 3;
/** Attempts of one serve job: an agent restarting costs one; replacements are new jobs. */
const SERVE_ATTEMPTS = 20;
/** Serving comes before batch work of the same owner. */
const SERVE_PRIORITY = 50;

interface ReplicaRow {
  job_id: string;
  version_id: string;
  state: 'placing' | 'ready' | 'lost' | 'stopping';
  ready_at: Date | null;
  job_status: 'queued' | 'leased' | 'running';
  created_at: Date;
}

export interface Clock {
  now(): number;
}

export class DeploymentReconciler {
  private readonly passes: PeriodicPass;
  private unlisten: (() => void) | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
    private readonly jobs: Pick<JobsService, 'enqueue' | 'stop'>,
    private readonly deployments: DeploymentsService,
    private readonly events: EventBus,
    private readonly signals: Signals,
    private readonly timeline: Pick<DeploymentEvents, 'record'>,
    private readonly log: Logger,
    readonly clock: Clock = { now: () => Date.now() },
  ) {
    this.passes = new PeriodicPass(() => this.everyPass(), this.config.deployments.reconcileMs, this.log, 'reconciling deployments failed');
  }

  start(): void {
    this.passes.start();
    this.unlisten = this.signals.on('aliasMoved', ({ modelId, alias }) => void this.followAlias(modelId, alias));
  }

  /** Reconciles the deployments that follow `alias` of the model (as the deployment or as a variant of its split). Never throws. */
  async followAlias(modelId: string, alias: string): Promise<void> {
    try {
      const due: { id: string }[] = await this.db.query(
        `SELECT d.id FROM deployments d
         WHERE d.model_id = $1 AND d.status <> 'stopped'
           AND (d.alias = $2 OR EXISTS (SELECT 1 FROM jsonb_array_elements(d.variants) v WHERE v->>'alias' = $2))`,
        [modelId, alias],
      );
      for (const { id } of due) await this.reconcile(id);
    } catch (error) {
      this.log.error({ err: error, modelId, alias }, 'following a moved alias failed');
    }
  }

  async stop(): Promise<void> {
    this.unlisten?.();
    this.unlisten = undefined;
    await this.passes.stop();
  }

  /** Reconciles the deployments that need it (any hub may; they take turns on each row). */
  tick(): Promise<void> {
    return this.passes.run();
  }

  private async everyPass(): Promise<void> {
    const due: { id: string }[] = await this.db.query(
      `SELECT d.id FROM deployments d
       WHERE d.status NOT IN ('ready', 'stopped', 'failed', 'idle')
          OR (d.alias IS NOT NULL AND EXISTS (SELECT 1 FROM model_aliases a WHERE a.model_id = d.model_id AND a.alias = d.alias AND a.version_id <> d.version_id))
          OR EXISTS (SELECT 1 FROM jsonb_array_elements(d.variants) v JOIN model_aliases a ON a.model_id = d.model_id AND a.alias = v->>'alias' WHERE a.version_id::text <> v->>'versionId')
          OR (jsonb_array_length(d.variants) = 0
              AND (SELECT count(*) FROM deployment_replicas r WHERE r.deployment_id = d.id AND r.state IN ('placing', 'ready') AND r.version_id = d.version_id) <> CASE WHEN d.budget_hold = 'stop' THEN 0 ELSE coalesce(d.wanted_replicas, d.min_replicas) END)
          OR EXISTS (SELECT 1 FROM jsonb_array_elements(d.variants) v
                     WHERE (v->>'replicas')::int <> (SELECT count(*) FROM deployment_replicas r WHERE r.deployment_id = d.id AND r.state IN ('placing', 'ready') AND r.version_id::text = v->>'versionId'))
          OR EXISTS (SELECT 1 FROM deployment_replicas r JOIN jobs j ON j.id = r.job_id WHERE r.deployment_id = d.id
                       AND (j.status NOT IN ('queued', 'leased', 'running') OR r.state IN ('lost', 'stopping')
                            OR NOT (r.version_id = d.version_id OR d.variants @> jsonb_build_array(jsonb_build_object('versionId', r.version_id::text)))))`,
    );
    for (const { id } of due) await this.reconcile(id);
    await this.stopOrphans();
  }

  /** Serve jobs no replica row names (a hub stopped between queuing one and recording it): stopped. */
  private async stopOrphans(): Promise<void> {
    const orphans: { id: string }[] = await this.db.query(
      `SELECT j.id FROM jobs j WHERE j.kind = 'serve' AND j.status IN ('queued', 'leased', 'running') AND j.created_at < now() - interval '1 minute'
         AND NOT EXISTS (SELECT 1 FROM deployment_replicas r WHERE r.job_id = j.id) LIMIT 100`,
    );
    for (const { id } of orphans) await this.jobs.stop(id, 'no deployment names this replica');
  }

  /** One pass over one deployment. Never throws (a failure is logged; the tick tries again). */
  async reconcile(deploymentId: string): Promise<void> {
    try {
      const outcome = await this.db.transaction((tx) => this.pass(tx, deploymentId));
      if (!outcome) return;
      for (const announce of outcome.announce) announce();
      for (const jobId of outcome.stop) await this.jobs.stop(jobId, outcome.stopReasons.get(jobId) ?? 'the deployment no longer needs this replica');
      if (outcome.replicasChanged) this.signals.emit('replicasChanged', { deploymentId });
      if (outcome.changed || outcome.replicasChanged) this.events.publish('DEPLOYMENT_CHANGED', deploymentId, { id: deploymentId });
    } catch (error) {
      this.log.error({ err: error, deploymentId }, 'reconciling a deployment failed');
    }
  }

  private async pass(tx: EntityManager, deploymentId: string) {
    const [row] = await tx.query(`SELECT * FROM deployments WHERE id = $1 FOR UPDATE`, [deploymentId]);
    // Being deleted (remove() marked it and is stopping its replicas): placing one now would leave it orphaned.
    if (!row || row.status_message === DELETING) return undefined;
    let changed = false;
    let message: string | null = row.status_message;
    const announce: (() => void)[] = [];

    // Follow the alias (a split deployment's variants follow theirs below).
    if (row.alias && !(Array.isArray(row.variants) && row.variants.length > 0)) {
      const [target] = await tx.query(
        `SELECT v.id, v.number, v.signature, v.files, v.lineage FROM model_aliases a JOIN model_versions v ON v.id = a.version_id WHERE a.model_id = $1 AND a.alias = $2`,
        [row.model_id, row.alias],
      );
      if (target && target.id !== row.version_id) {
        const served = servedVersion(target, `version ${target.number} (alias "${row.alias}")`);
        if (typeof served === 'string') message = `stays on version ${row.version_number}: ${served}`;
        else {
          await tx.query(`UPDATE deployments SET version_id = $2, version_number = $3, failures = 0, updated_at = now() WHERE id = $1`, [deploymentId, served.versionId, served.versionNumber]);
          announce.push(
            await this.timeline.record(tx, deploymentId, {
              kind: 'VERSION_CHANGED',
              message: `alias ${row.alias} moved: it serves version ${served.versionNumber} (was ${row.version_number})`,
              detail: { alias: row.alias, versionNumber: served.versionNumber, previousVersionNumber: row.version_number },
            }),
          );
          row.version_id = served.versionId;
          row.version_number = served.versionNumber;
          row.failures = 0;
          message = null;
          changed = true;
        }
      }
    }

    // Follow the aliases of a split's variants (the primary's is the deployment's own, above).
    let variants: StoredVariant[] = Array.isArray(row.variants) ? row.variants : [];
    if (variants.some((v) => v.alias)) {
      const moved = await this.followVariantAliases(tx, row, variants);
      if (moved.message) message = moved.message;
      if (moved.variants !== variants) {
        variants = moved.variants;
        const primary = variants[0];
        await tx.query(`UPDATE deployments SET variants = $2::jsonb, version_id = $3, version_number = $4, failures = 0, updated_at = now() WHERE id = $1`, [
          deploymentId,
          JSON.stringify(variants),
          primary.versionId,
          primary.versionNumber,
        ]);
        row.version_id = primary.versionId;
        row.version_number = primary.versionNumber;
        row.failures = 0;
        changed = true;
      }
    }
    row.variants = variants;

    // Forget replicas whose job ended; a job compute queued again is placing again.
    const ended = await tx.query(
      `DELETE FROM deployment_replicas r USING jobs j WHERE r.job_id = j.id AND r.deployment_id = $1 AND j.status NOT IN ('queued', 'leased', 'running') RETURNING r.job_id`,
      [deploymentId],
    );
    let replicasChanged = rows<any>(ended).length > 0;
    const requeued = await tx.query(
      `UPDATE deployment_replicas r SET state = 'placing', node_id = NULL, hub_instance = NULL, ready_at = NULL, updated_at = now()
       FROM jobs j WHERE r.job_id = j.id AND r.deployment_id = $1 AND j.status = 'queued' AND r.state IN ('ready', 'lost') RETURNING r.job_id`,
      [deploymentId],
    );
    if (rows<any>(requeued).length > 0) replicasChanged = true;

    const replicas: ReplicaRow[] = await tx.query(
      `SELECT r.job_id, r.version_id, r.state, r.ready_at, j.status AS job_status, j.created_at FROM deployment_replicas r JOIN jobs j ON j.id = r.job_id
       WHERE r.deployment_id = $1 ORDER BY j.created_at, r.job_id`,
      [deploymentId],
    );
    // Each variant's desired replicas (a deployment that is not split: its version, minReplicas).
    const plan = variantsOf(row);
    const total = desiredReplicas(row);
    const counts = variantReplicas(total, plan);
    const desiredOf = new Map(plan.map((v, i) => [v.versionId, plan.length === 1 ? total : counts[i]]));
    const desired = [...desiredOf.values()].reduce((a, b) => a + b, 0);
    const failed = (row.failures as number) >= FAILURES_BEFORE_FAILED;
    const stop = new Map<string, string>();
    const live = replicas.filter((r) => r.state !== 'stopping');
    const rank = (r: ReplicaRow) => (r.job_status === 'queued' ? 0 : r.state !== 'ready' ? 1 : 2);
    const missingOf = new Map<string, number>();
    const readyOf = new Map<string, number>();
    for (const [versionId, want] of desiredOf) {
      const current = live.filter((r) => r.version_id === versionId && r.state !== 'lost');
      // Surplus current replicas: queued first, then loading, then the newest ready.
      const surplus = [...current].sort((a, b) => rank(a) - rank(b) || +b.created_at - +a.created_at).slice(0, Math.max(0, current.length - want));
      for (const r of surplus) stop.set(r.job_id, 'the deployment has more replicas than it needs');
      const kept = current.filter((r) => !stop.has(r.job_id));
      readyOf.set(versionId, kept.filter((r) => r.state === 'ready').length);
      missingOf.set(versionId, Math.max(0, want - kept.length));
    }
    const readyCurrent = [...readyOf.values()].reduce((a, b) => a + b, 0);
    // Replicas of a version no variant serves: the ready ones serve until enough new ones are ready.
    const old = live.filter((r) => !desiredOf.has(r.version_id) && r.state !== 'lost');
    let keepOld = Math.max(0, desired - readyCurrent);
    for (const r of [...old].sort((a, b) => +(a.ready_at ?? 0) - +(b.ready_at ?? 0))) {
      if (r.state === 'ready' && keepOld > 0) keepOld--;
      else stop.set(r.job_id, `version ${row.version_number} replaces this replica's version`);
    }
    // Lost replicas: kept in case their agent comes back, until they are not needed.
    for (const r of live.filter((x) => x.state === 'lost')) {
      if (!desiredOf.has(r.version_id) || (readyOf.get(r.version_id) ?? 0) >= desiredOf.get(r.version_id)!) stop.set(r.job_id, 'its agent disconnected and a replacement serves');
    }
    // Replicas already stopping whose job still runs: told again.
    for (const r of replicas.filter((x) => x.state === 'stopping')) stop.set(r.job_id, 'the deployment no longer needs this replica');
    if (stop.size > 0) {
      await tx.query(`UPDATE deployment_replicas SET state = 'stopping', updated_at = now() WHERE job_id = ANY($1::uuid[])`, [[...stop.keys()]]);
      replicasChanged = true;
    }

    // Place the missing ones.
    for (const v of plan) {
      const missing = failed ? 0 : (missingOf.get(v.versionId) ?? 0);
      if (missing === 0) continue;
      const placed = await this.place(tx, row, v, missing);
      if (placed === 0) message = message ?? 'its version cannot be served';
      if (placed > 0) replicasChanged = true;
    }

    // The status.
    const ready = replicas.filter((r) => r.state === 'ready' && !stop.has(r.job_id)).length;
    const placedOnNodes = replicas.some((r) => r.state !== 'stopping' && !stop.has(r.job_id) && r.job_status !== 'queued');
    const status =
      desired === 0
        ? row.autoscaling && row.min_replicas === 0 && row.budget_hold !== 'stop'
          ? DeploymentStatus.IDLE
          : DeploymentStatus.STOPPED
        : ready >= desired
          ? DeploymentStatus.READY
          : ready > 0
            ? DeploymentStatus.DEGRADED
            : failed
              ? DeploymentStatus.FAILED
              : placedOnNodes
                ? DeploymentStatus.STARTING
                : DeploymentStatus.PENDING;
    if (status === DeploymentStatus.READY || status === DeploymentStatus.STOPPED || status === DeploymentStatus.IDLE) message = message?.includes('stays on version') ? message : null;
    // A budget's hold says so, unless something more pressing is said.
    if (message === null || isBudgetHoldMessage(message)) message = budgetHoldMessage(row);
    if (status !== row.status || message !== row.status_message) {
      await tx.query(`UPDATE deployments SET status = $2, status_message = $3, updated_at = now() WHERE id = $1`, [deploymentId, status, message]);
      changed = true;
      if (status === DeploymentStatus.FAILED && row.status !== DeploymentStatus.FAILED) {
        announce.push(await this.timeline.record(tx, deploymentId, { kind: 'FAILED', message: `failed: ${message ?? 'its replicas kept failing'}`, detail: { statusMessage: message } }));
      }
    }
    return { stop: [...stop.keys()], stopReasons: stop, changed, replicasChanged, announce };
  }

  /** Queues `count` serve jobs for the deployment's version and records them; the number queued. */
  private async place(tx: EntityManager, row: Record<string, any>, variant: Pick<StoredVariant, 'versionId' | 'versionNumber'>, count: number): Promise<number> {
    let served;
    try {
      served = await this.deployments.served(variant);
    } catch (error) {
      await tx.query(`UPDATE deployments SET status_message = $2 WHERE id = $1`, [row.id, (error as Error).message]);
      return 0;
    }
    const [model] = await tx.query(
      `SELECT m.owner_id, m.visibility, m.name, coalesce(u.username, o.handle) AS owner FROM models m
       LEFT JOIN users u ON u.id = m.owner_id LEFT JOIN organizations o ON o.id = m.owner_id WHERE m.id = $1`,
      [row.model_id],
    );
    if (!model) return 0;
    // Jobs belong to a user: an organization's deployment runs as its creator, for the organization.
    const [owner] = await tx.query(`SELECT EXISTS (SELECT 1 FROM users WHERE id = $1) AS is_user`, [row.owner_id]);
    const ownerId: string | null = owner?.is_user ? row.owner_id : row.created_by;
    if (!ownerId) {
      await tx.query(`UPDATE deployments SET status_message = $2 WHERE id = $1`, [row.id, 'the user who created this deployment is gone: update it to take it over']);
      return 0;
    }
    const requirements = row.requirements as { gpu?: boolean; minMemoryBytes?: number | null; labels?: string[] };
    const payload: ServePayload = {
      deploymentId: row.id,
      model: `${model.owner}.${model.name}@${served.versionNumber}`,
      versionId: served.versionId,
      versionNumber: served.versionNumber,
      task: served.task,
      features: served.features,
      labels: served.labels,
      files: served.files,
      batching: row.batching,
      maxQueue: this.config.deployments.maxQueue,
    };
    for (let i = 0; i < count; i++) {
      const job = await this.jobs.enqueue({
        kind: 'serve',
        payload,
        ownerId,
        organizationId: owner?.is_user ? null : row.owner_id,
        priority: SERVE_PRIORITY,
        maxAttempts: SERVE_ATTEMPTS,
        requirements: {
          ...(requirements.gpu ? { gpu: true } : {}),
          ...(requirements.minMemoryBytes != null ? { minMemoryBytes: requirements.minMemoryBytes } : {}),
          ...(requirements.labels?.length ? { labels: requirements.labels } : {}),
          spread: row.id,
          spreadWaitSeconds: this.config.deployments.spreadWaitSeconds,
        },
        reads: [{ ownerId: model.owner_id, public: model.visibility === 'public', what: `model ${model.owner}/${model.name}@${served.versionNumber}` }],
      });
      await tx.query(`INSERT INTO deployment_replicas (job_id, deployment_id, version_id, version_number, state) VALUES ($1, $2, $3, $4, 'placing')`, [
        job.id,
        row.id,
        served.versionId,
        served.versionNumber,
      ]);
    }
    return count;
  }

  /**
   * The variants with each alias followed to where it points now; the same array when none moved.
   * A move to a version that cannot be served, or that another variant already serves, is not
   * followed, and the message says why.
   */
  private async followVariantAliases(tx: EntityManager, row: Record<string, any>, variants: StoredVariant[]): Promise<{ variants: StoredVariant[]; message?: string }> {
    let next = variants;
    let message: string | undefined;
    for (let i = 0; i < next.length; i++) {
      const v = next[i];
      if (!v.alias) continue;
      const [target] = await tx.query(
        `SELECT v.id, v.number, v.signature, v.files, v.lineage FROM model_aliases a JOIN model_versions v ON v.id = a.version_id WHERE a.model_id = $1 AND a.alias = $2`,
        [row.model_id, v.alias],
      );
      if (!target || target.id === v.versionId) continue;
      const served = servedVersion(target, `version ${target.number} (alias "${v.alias}")`);
      if (typeof served === 'string') message = `variant ${i} stays on version ${v.versionNumber}: ${served}`;
      else if (next.some((o) => o.versionId === served.versionId)) message = `variant ${i} stays on version ${v.versionNumber}: version ${served.versionNumber} is already a variant`;
      else {
        next = next.map((o, k) => (k === i ? { ...o, versionId: served.versionId, versionNumber: served.versionNumber } : o));
      }
    }
    return { variants: next, message };
  }

  /** Cancels every replica, then removes the deployment (deleteDeployment). */
  async remove(deployment: Deployment): Promise<void> {
    const jobIds = await this.db.transaction(async (tx) => {
      await tx.query(`SELECT id FROM deployments WHERE id = $1 FOR UPDATE`, [deployment.id]);
      const replicas: { job_id: string }[] = await tx.query(`SELECT job_id FROM deployment_replicas WHERE deployment_id = $1`, [deployment.id]);
      await tx.query(`UPDATE deployments SET status = 'stopped', status_message = $2 WHERE id = $1`, [deployment.id, DELETING]);
      return replicas.map((r) => r.job_id);
    });
    for (const jobId of jobIds) await this.jobs.stop(jobId, 'the deployment was deleted');
    await this.db.query(`DELETE FROM deployments WHERE id = $1`, [deployment.id]);
    this.signals.emit('replicasChanged', { deploymentId: deployment.id });
    this.events.publish('DEPLOYMENT_CHANGED', deployment.id, { id: deployment.id });
  }

  /** A replica's job ended failed (the serve kind's onFailed): counted; FAILED after a few in a row. */
  async failed(jobId: string, reason: string): Promise<void> {
    const updated = await this.db.query(
      `UPDATE deployments d SET failures = d.failures + 1, status_message = $2, updated_at = now()
       FROM deployment_replicas r WHERE r.job_id = $1 AND r.deployment_id = d.id RETURNING d.id`,
      [jobId, `a replica failed: ${reason}`.slice(0, 2000)],
    );
    const id = rows<any>(updated)[0]?.id as string | undefined;
    if (id) await this.reconcile(id);
  }
}
