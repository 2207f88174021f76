/**
 * What an incident's rule may do when it opens (docs/alerts.md, "Actions"): scale the deployment
 * up, eject its worst replica, throttle the one API key that floods it, or roll its canary back.
 * Each runs after the incident's opening committed, in transactions of its own, and says what it
 * did; an action that finds nothing to do (already at maxReplicas, a single replica, no key that
 * sent most of the traffic, no canary) is not applied and says why. None throws to the evaluator.
 */
import type { DataSource } from 'typeorm';
import { rows } from '../../db/rows.js';
import type { EventBus } from '../../pubsub.js';
import { METRIC_COLUMNS, toPoints, type MetricRow } from '../monitoring/metric-rows.js';
import { MetricsBreakdown } from '../monitoring/metrics-point.js';
import type { DeploymentReconciler } from '../reconciler.js';
import { variantReplicas, variantsOf, type StoredVariant } from '../split/variants.js';
import { AlertAction } from './alert-words.js';

/** What an action did, stored on the incident and told in the deployment's timeline. */
export interface ActionOutcome {
  action: AlertAction;
  applied: boolean;
  /** One sentence for people. */
  message: string;
  [fact: string]: unknown;
}

export interface ActionRequest {
  deploymentId: string;
  incidentId: string;
  ruleName: string;
  action: AlertAction;
  /** The judged window, epoch ms. */
  windowStart: number;
  windowEnd: number;
  /** The finest metrics resolution, seconds. */
  resolutionSeconds: number;
  /** The median requests per second of the deployment's baseline windows; null without history. */
  baselineRequestsPerSecond: number | null;
  /** Epoch ms: the evaluator's clock. */
  now: number;
}

/**
 * Rolls a split deployment's canary back. The progressive rollout exports its own rollBack; this
 * is the seam it plugs into. {@link CanaryWeightRollback} is the one on this branch.
 */
export interface CanaryRollback {
  rollBack(deploymentId: string, reason: string): Promise<{ rolledBack: boolean; message: string }>;
}

/** A throttle held on one API key of one deployment (`deployments.key_throttles`). */
export interface KeyThrottle {
  requestsPerSecond: number;
  /** ISO time it is lifted at (on the evaluator's clock). */
  until: string;
  incidentId: string;
}

/** A key that sent more than this share of the deployment's recent requests floods it. */
export const FLOOD_SHARE = 0.5;

export class AlertActions {
  constructor(
    private readonly db: DataSource,
    private readonly reconciler: Pick<DeploymentReconciler, 'reconcile'>,
    private readonly events: EventBus,
    private readonly canary: CanaryRollback,
    /** How long a throttled key stays throttled. */
    private readonly throttleSeconds: number,
  ) {}

  async apply(r: ActionRequest): Promise<ActionOutcome> {
    switch (r.action) {
      case AlertAction.NONE:
        return { action: r.action, applied: false, message: 'No action' };
      case AlertAction.SCALE_UP:
        return this.scaleUp(r);
      case AlertAction.EJECT_REPLICA:
        return this.ejectReplica(r);
      case AlertAction.THROTTLE_KEY:
        return this.throttleKey(r);
      case AlertAction.ROLL_BACK_CANARY: {
        const { rolledBack, message } = await this.canary.rollBack(r.deploymentId, `alert rule ${r.ruleName} (incident ${r.incidentId})`);
        if (rolledBack) await this.changed(r.deploymentId);
        return { action: r.action, applied: rolledBack, message };
      }
    }
  }

  /** The deployment's settings changed: the reconciler brings its replicas there, its followers hear it. */
  private async changed(deploymentId: string): Promise<void> {
    await this.reconciler.reconcile(deploymentId);
    this.events.publish('DEPLOYMENT_CHANGED', deploymentId, { id: deploymentId });
  }

  /** minReplicas one higher, within maxReplicas (an autoscaled deployment's wanted count at least that). */
  private async scaleUp(r: ActionRequest): Promise<ActionOutcome> {
    const outcome = await this.db.transaction(async (tx): Promise<ActionOutcome> => {
      const [d] = rows<Record<string, any>>(await tx.query(`SELECT * FROM deployments WHERE id = $1 FOR UPDATE`, [r.deploymentId]));
      if (!d) return { action: r.action, applied: false, message: 'The deployment is gone' };
      const min = Number(d.min_replicas);
      const max = Number(d.max_replicas);
      if (min >= max) return { action: r.action, applied: false, message: `Already at maxReplicas (${max})`, minReplicas: min };
      const raised = min + 1;
      const wanted = d.autoscaling ? Math.max(Number(d.wanted_replicas ?? 0), raised) : null;
      const stored = Array.isArray(d.variants) ? (d.variants as StoredVariant[]) : [];
      const counts = variantReplicas(wanted ?? raised, stored);
      await tx.query(`UPDATE deployments SET min_replicas = $2, wanted_replicas = $3, variants = $4::jsonb, updated_at = now() WHERE id = $1`, [
        r.deploymentId,
        raised,
        wanted,
        JSON.stringify(stored.map((v, i) => ({ ...v, replicas: counts[i] }))),
      ]);
      return { action: r.action, applied: true, message: `Raised minReplicas from ${min} to ${raised}`, minReplicas: raised, previousMinReplicas: min };
    });
    if (outcome.applied) await this.changed(r.deploymentId);
    return outcome;
  }

  /** Stops the ready replica with the worst error rate (then p99) over the window, if another ready replica stays. */
  private async ejectReplica(r: ActionRequest): Promise<ActionOutcome> {
    const found = rows<MetricRow>(
      await this.db.query(`SELECT ${METRIC_COLUMNS} FROM serving_metrics WHERE deployment_id = $1 AND resolution = $2 AND bucket >= $3 AND bucket < $4 AND replica <> ''`, [
        r.deploymentId,
        r.resolutionSeconds,
        new Date(r.windowStart),
        new Date(r.windowEnd),
      ]),
    );
    const ready = rows<{ job_id: string }>(await this.db.query(`SELECT job_id FROM deployment_replicas WHERE deployment_id = $1 AND state = 'ready'`, [r.deploymentId]));
    if (ready.length < 2) return { action: r.action, applied: false, message: 'Not ejected: no other ready replica would answer' };
    const readyIds = new Set(ready.map((x) => x.job_id));
    // One point per replica over the whole window: every bucket taken as the window's start.
    const points = toPoints(found.map((row) => ({ ...row, bucket: new Date(r.windowStart) })), r.windowEnd - r.windowStart, MetricsBreakdown.REPLICA).filter((p) => p.replica && readyIds.has(p.replica) && p.requests > 0);
    const worst = points.sort((a, b) => b.errorRate - a.errorRate || (b.p99Ms ?? 0) - (a.p99Ms ?? 0))[0];
    if (!worst) return { action: r.action, applied: false, message: 'Not ejected: no ready replica answered in the window' };
    await this.db.query(`UPDATE deployment_replicas SET state = 'stopping', updated_at = now() WHERE job_id = $1 AND state = 'ready'`, [worst.replica]);
    await this.changed(r.deploymentId);
    return {
      action: r.action,
      applied: true,
      message: `Ejected replica ${worst.replica} (error rate ${(worst.errorRate * 100).toFixed(1)} %, p99 ${worst.p99Ms === null ? '–' : Math.round(worst.p99Ms)} ms); a replacement is placed`,
      replica: worst.replica,
      errorRate: worst.errorRate,
      p99Ms: worst.p99Ms,
    };
  }

  /**
   * The API key that sent more than half of the deployment's requests over the window's minutes
   * (usage is metered per minute) is held to the deployment's baseline rate (at least 1 request
   * per second) on this deployment until the throttle expires.
   */
  private async throttleKey(r: ActionRequest): Promise<ActionOutcome> {
    const fromMinute = new Date(Math.floor(r.windowStart / 60_000) * 60_000);
    const callers = rows<{ api_key_id: string | null; requests: string }>(
      await this.db.query(
        `SELECT api_key_id, sum(requests) AS requests FROM serving_usage WHERE deployment_id = $1 AND minute >= $2 AND minute < $3
         GROUP BY api_key_id ORDER BY sum(requests) DESC`,
        [r.deploymentId, fromMinute, new Date(r.windowEnd)],
      ),
    );
    const total = callers.reduce((s, c) => s + Number(c.requests), 0);
    const top = callers[0];
    if (!top || top.api_key_id === null || Number(top.requests) <= FLOOD_SHARE * total) {
      return { action: r.action, applied: false, message: 'Not throttled: no single API key sent most of the requests' };
    }
    const requestsPerSecond = Math.max(1, Math.round((r.baselineRequestsPerSecond ?? 0) * 100) / 100);
    const throttle: KeyThrottle = { requestsPerSecond, until: new Date(r.now + this.throttleSeconds * 1000).toISOString(), incidentId: r.incidentId };
    await this.db.query(`UPDATE deployments SET key_throttles = key_throttles || jsonb_build_object($2::text, $3::jsonb) WHERE id = $1`, [
      r.deploymentId,
      top.api_key_id,
      JSON.stringify(throttle),
    ]);
    this.events.publish('DEPLOYMENT_CHANGED', r.deploymentId, { id: r.deploymentId });
    return {
      action: r.action,
      applied: true,
      message: `Throttled API key ${top.api_key_id} to ${requestsPerSecond} requests per second until ${throttle.until} (it sent ${top.requests} of ${total} requests)`,
      apiKeyId: top.api_key_id,
      requestsPerSecond,
      until: throttle.until,
    };
  }

  /** Lifts the throttles whose time is up; the number lifted. */
  async liftExpiredThrottles(now: number): Promise<number> {
    const held = rows<{ id: string; key_throttles: Record<string, KeyThrottle> }>(await this.db.query(`SELECT id, key_throttles FROM deployments WHERE key_throttles <> '{}'::jsonb`));
    let lifted = 0;
    for (const d of held) {
      const expired = Object.entries(d.key_throttles).filter(([, t]) => !(Date.parse(t.until) > now)).map(([key]) => key);
      if (expired.length === 0) continue;
      await this.db.query(`UPDATE deployments SET key_throttles = key_throttles - $2::text[] WHERE id = $1`, [d.id, expired]);
      lifted += expired.length;
    }
    return lifted;
  }
}

/**
 * Rolls a canary back through the split as it is stored: the primary (first) variant answers every
 * request (weight 100) and the other answering variants get weight 0 (kept warm, as the split
 * keeps a weight-0 variant); shadows are left as they are.
 */
export class CanaryWeightRollback implements CanaryRollback {
  constructor(private readonly db: DataSource) {}

  rollBack(deploymentId: string, reason: string): Promise<{ rolledBack: boolean; message: string }> {
    return this.db.transaction(async (tx) => {
      const [d] = rows<Record<string, any> & { alias: string | null }>(await tx.query(`SELECT * FROM deployments WHERE id = $1 FOR UPDATE`, [deploymentId]));
      if (!d) return { rolledBack: false, message: 'The deployment is gone' };
      const variants = variantsOf(d);
      const canaries = variants.slice(1).filter((v) => !v.shadow && v.weight > 0);
      if (variants.length < 2 || canaries.length === 0) return { rolledBack: false, message: 'Not rolled back: no canary takes traffic' };
      const rolled = variants.map((v, i) => (v.shadow ? v : { ...v, weight: i === 0 ? 100 : 0 }));
      const counts = variantReplicas(d.autoscaling ? Number(d.wanted_replicas ?? d.min_replicas) : Number(d.min_replicas), rolled);
      await tx.query(`UPDATE deployments SET variants = $2::jsonb, updated_at = now() WHERE id = $1`, [deploymentId, JSON.stringify(rolled.map((v, i) => ({ ...v, replicas: counts[i] })))]);
      return {
        rolledBack: true,
        message: `Rolled back: version ${variants[0].versionNumber} answers every request; version${canaries.length > 1 ? 's' : ''} ${canaries.map((c) => c.versionNumber).join(', ')} at weight 0 (${reason})`,
      };
    });
  }
}
