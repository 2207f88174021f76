/**
 * Progressive rollouts (docs/rollouts.md): a canary version takes a growing share of a
 * deployment's traffic step by step while its analysis passes (rollout-analysis.ts), is promoted
 * after the last step (it becomes the deployment's one version), and is rolled back at once when
 * it fails (the stable version takes all traffic again).
 *
 * The state lives in `deployment_rollouts`, so a restarted hub (or another one) carries on where
 * the last left off. Every hub ticks (AIMASS_ROLLOUT_TICK_MS); each rollout is moved by one hub at
 * a time: the move runs in a transaction holding the rollout's row (FOR UPDATE SKIP LOCKED), and a
 * hub skips a rollout another hub looked at less than half a tick ago. A move sets the
 * deployment's variants in the same transaction and records its event (timeline, inbox, webhooks);
 * the reconciler and subscribers hear of it after the commit. The time is read from an injectable
 * clock; the figures from the deployment's finest metrics tier (monitoring/), every hub's requests.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../../accounts/index.js';
import { rows, type Queryable } from '../../db/rows.js';
import { isUniqueViolation } from '../../db/unique-violation.js';
import { badInput, conflict, notFound } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { PeriodicPass } from '../periodic-pass.js';
import type { EventBus } from '../../pubsub.js';
import type { Deployment } from '../deployment.entity.js';
import type { DeploymentsService } from '../deployments.service.js';
import type { Clock } from '../quotas/clock.js';
import { variantsOf, type StoredVariant } from '../split/variants.js';
import { nextMove, type Move, type RolloutStatus } from './next-move.js';
import { figures, judge, type Analysis } from './rollout-analysis.js';
import { rolloutPlan, type AnalysisInput, type AnalysisSettings, type RolloutStep, type RolloutStepInput } from './rollout-plan.js';
import type { DeploymentEventInput, DeploymentEvents } from '../events/deployment-events.js';

/** One event of a deployment's timeline. */
export type RolloutEvent = DeploymentEventInput;

/** Where rollout events go: recorded inside the move's transaction; the returned function announces them after the commit. */
export type RolloutEventSink = Pick<DeploymentEvents, 'record'>;

export interface RolloutRow {
  id: string;
  deploymentId: string;
  status: RolloutStatus;
  stable: StoredVariant;
  canary: StoredVariant;
  steps: RolloutStep[];
  step: number;
  stepStartedAt: Date;
  analysis: AnalysisSettings;
  lastAnalysis: Analysis | null;
  reason: string | null;
  startedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
}

export interface StartRolloutInput {
  version?: number | null;
  alias?: string | null;
  steps?: RolloutStepInput[] | null;
  analysis?: AnalysisInput | null;
}

/** Reads a deployment's figures per version over [from, to]: requests, error codes and latency histogram. */
export type VersionSeries = (
  tx: Queryable,
  deploymentId: string,
  from: number,
  to: number,
) => Promise<Map<number, { requests: number; errorCodes: Record<string, number>; latencyCounts: number[] }>>;

const ACTIVE = `status IN ('running', 'paused')`;
const RUNNING_ALREADY = 'A rollout of this deployment is in progress already: pause, resume or abort it';

export class RolloutService {
  private readonly passes: PeriodicPass;

  constructor(
    private readonly db: DataSource,
    private readonly deployments: Pick<DeploymentsService, 'get' | 'variantVersion' | 'setVariants' | 'announce'>,
    private readonly series: VersionSeries,
    /** Writes this hub's pending metrics, so the analysis sees its latest requests. */
    private readonly flushMetrics: () => Promise<void>,
    private readonly events: RolloutEventSink,
    private readonly bus: EventBus,
    private readonly tickMs: number,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {
    this.passes = new PeriodicPass(() => this.everyPass(), this.tickMs, this.log, 'moving the rollouts failed');
  }

  start(): void {
    this.passes.start();
  }

  async stop(): Promise<void> {
    await this.passes.stop();
  }

  // ---- reading ---------------------------------------------------------------------------------

  /** The deployment's running or paused rollout, else its latest one; null when it never had one. */
  async current(deploymentId: string): Promise<RolloutRow | null> {
    const [row] = rows(
      await this.db.query(`SELECT * FROM deployment_rollouts WHERE deployment_id = $1 ORDER BY (${ACTIVE}) DESC, created_at DESC LIMIT 1`, [deploymentId]),
    );
    return row ? toRollout(row) : null;
  }

  /** Its rollouts, newest first. */
  async history(deploymentId: string, first: number): Promise<RolloutRow[]> {
    const found = rows(await this.db.query(`SELECT * FROM deployment_rollouts WHERE deployment_id = $1 ORDER BY created_at DESC LIMIT $2`, [deploymentId, first]));
    return found.map(toRollout);
  }

  // ---- what people do --------------------------------------------------------------------------

  /** Starts a rollout of a canary version on `owner/name` (write access): its first step's weight goes to the canary at once. */
  async begin(principal: Principal, owner: string, name: string, input: StartRolloutInput): Promise<RolloutRow> {
    const d = await this.deployments.get(principal, owner, name, 'write');
    const plan = rolloutPlan(input.steps, input.analysis);
    if (input.version == null && input.alias == null) throw badInput('version', 'name the canary: a version or an alias');
    const [active] = rows(await this.db.query(`SELECT 1 FROM deployment_rollouts WHERE deployment_id = $1 AND ${ACTIVE}`, [d.id]));
    if (active) throw conflict(RUNNING_ALREADY, 'version');
    const variants = variantsOf(d);
    const routed = variants.filter((v) => !v.shadow);
    if (routed.length !== 1) {
      throw badInput('version', `the deployment already splits its traffic between versions ${routed.map((v) => v.versionNumber).join(', ')}: set one version before a rollout`);
    }
    const stable = { ...routed[0], weight: 100, shadow: false };
    const served = await this.deployments.variantVersion(d, input.version ?? null, input.alias ?? null);
    const field = input.alias != null ? 'alias' : 'version';
    if (served.versionId === stable.versionId) throw badInput(field, `version ${served.versionNumber} is the version the deployment serves already`);
    if (variants.some((v) => v.shadow && v.versionId === served.versionId)) throw badInput(field, `version ${served.versionNumber} is a shadow of this deployment: remove it from the shadows first`);
    const canary: StoredVariant = { versionId: served.versionId, versionNumber: served.versionNumber, alias: null, weight: 0, shadow: false, replicas: 0 };
    const now = this.clock.now();
    let created: RolloutRow;
    let announce: () => void;
    try {
      [created, announce] = await this.db.transaction(async (tx) => {
        const [row] = rows(
          await tx.query(
            `INSERT INTO deployment_rollouts (deployment_id, status, stable, canary, steps, step, step_started_at, analysis, started_by, created_at, updated_at)
             VALUES ($1, 'running', $2, $3, $4, 0, $5, $6, $7, $5, $5) RETURNING *`,
            [d.id, JSON.stringify(stable), JSON.stringify(canary), JSON.stringify(plan.steps), new Date(now), JSON.stringify(plan.analysis), principal.user.id],
          ),
        );
        const rollout = toRollout(row);
        await this.setWeights(tx, rollout, plan.steps[0].weight);
        const after = await this.events.record(tx, d.id, {
          kind: 'ROLLOUT_STARTED',
          message: `Rollout of version ${canary.versionNumber} started: ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}, the canary at ${plan.steps[0].weight} % first`,
          detail: { rolloutId: rollout.id, stableVersion: stable.versionNumber, canaryVersion: canary.versionNumber, steps: plan.steps, analysis: plan.analysis },
        });
        return [rollout, after] as const;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(RUNNING_ALREADY, 'version');
      throw error;
    }
    await this.announced(d.id, [announce]);
    return created;
  }

  /** Holds the running rollout at its step (the analysis still guards it). */
  pause(principal: Principal, owner: string, name: string): Promise<RolloutRow> {
    return this.byHand(principal, owner, name, async (tx, r, now) => {
      if (r.status !== 'running') throw badInput('rollout', 'the rollout is not running');
      await this.update(tx, r.id, { status: 'paused', reason: 'paused by hand' }, now);
      return { kind: 'ROLLOUT_PAUSED', message: `Rollout of version ${r.canary.versionNumber} paused at step ${r.step + 1} of ${r.steps.length}`, detail: this.detail(r) };
    });
  }

  /** Goes on with a paused rollout: past the pause step it waits at, or from where it was paused by hand. */
  resume(principal: Principal, owner: string, name: string): Promise<RolloutRow> {
    return this.byHand(principal, owner, name, async (tx, r, now) => {
      if (r.status !== 'paused') throw badInput('rollout', 'the rollout is not paused');
      if (r.steps[r.step].durationSeconds !== null) {
        await this.update(tx, r.id, { status: 'running', reason: null }, now);
        return { kind: 'ROLLOUT_RESUMED', message: `Rollout of version ${r.canary.versionNumber} resumed at step ${r.step + 1} of ${r.steps.length}`, detail: this.detail(r) };
      }
      return r.step + 1 < r.steps.length ? this.advance(tx, { ...r, status: 'running' }, r.step + 1, now) : this.promote(tx, r, now);
    });
  }

  /** Ends the rollout with the stable version taking all traffic again. */
  abort(principal: Principal, owner: string, name: string, reason: string | null): Promise<RolloutRow> {
    return this.byHand(principal, owner, name, (tx, r, now) => this.rollBackIn(tx, r, now, 'aborted', reason?.trim() ? `aborted: ${reason.trim().slice(0, 500)}` : 'aborted by hand'));
  }

  /**
   * Rolls back the deployment's running or paused rollout (an alert's action): the stable version
   * takes all traffic again, recorded as ROLLOUT_ROLLED_BACK with `reason`. False when the
   * deployment has no rollout in progress.
   */
  async rollBack(deploymentId: string, reason: string): Promise<boolean> {
    const announce: (() => void)[] = [];
    const done = await this.db.transaction(async (tx) => {
      const [row] = rows(await tx.query(`SELECT * FROM deployment_rollouts WHERE deployment_id = $1 AND ${ACTIVE} FOR UPDATE`, [deploymentId]));
      if (!row) return false;
      const r = toRollout(row);
      const event = await this.rollBackIn(tx, r, this.clock.now(), 'rolled_back', reason);
      announce.push(await this.events.record(tx, deploymentId, event));
      return true;
    });
    if (done) await this.announced(deploymentId, announce);
    return done;
  }

  // ---- the controller --------------------------------------------------------------------------

  /** Analyses every rollout in progress that no other hub is looking at, and moves those due. */
  tick(): Promise<void> {
    return this.passes.run();
  }

  private async everyPass(): Promise<void> {
    const due = rows<{ id: string }>(await this.db.query(`SELECT id FROM deployment_rollouts WHERE ${ACTIVE}`));
    if (due.length === 0) return;
    await this.flushMetrics();
    for (const { id } of due) await this.tickOne(id);
  }

  private async tickOne(id: string): Promise<void> {
    try {
      let deploymentId: string | undefined;
      const announce: (() => void)[] = [];
      let touched = false;
      let moved = false;
      await this.db.transaction(async (tx) => {
        const [row] = rows(await tx.query(`SELECT * FROM deployment_rollouts WHERE id = $1 AND ${ACTIVE} FOR UPDATE SKIP LOCKED`, [id]));
        if (!row) return;
        const r = toRollout(row);
        const now = this.clock.now();
        if (now >= r.updatedAt.getTime() && now - r.updatedAt.getTime() < this.tickMs / 2) return;
        deploymentId = r.deploymentId;
        touched = true;
        const [d] = rows(await tx.query(`SELECT version_id, version_number, alias, variants, min_replicas FROM deployments WHERE id = $1`, [r.deploymentId]));
        const serving = d ? variantsOf(d) : [];
        if (!serving.some((v) => !v.shadow && v.versionId === r.canary.versionId) || !serving.some((v) => !v.shadow && v.versionId === r.stable.versionId)) {
          // Someone set the deployment's versions by hand: the rollout has nothing left to move.
          await this.update(tx, r.id, { status: 'aborted', reason: "the deployment's versions were changed by hand", ended: true }, now);
          moved = true;
          announce.push(await this.events.record(tx, r.deploymentId, { kind: 'ROLLOUT_ABORTED', message: `Rollout of version ${r.canary.versionNumber} ended: the deployment's versions were changed by hand`, detail: this.detail(r) }));
          return;
        }
        const analysis = await this.analyse(tx, r, now);
        const event = await this.apply(tx, r, nextMove({ status: r.status, steps: r.steps, step: r.step, stepStartedAt: r.stepStartedAt.getTime() }, now, analysis), analysis, now);
        if (event) {
          moved = true;
          announce.push(await this.events.record(tx, r.deploymentId, event));
        }
      });
      if (!touched || !deploymentId) return;
      // A move changed the variants (the reconciler acts); a wait refreshed the analysis (subscribers see it).
      if (moved) await this.announced(deploymentId, announce);
      else this.bus.publish('DEPLOYMENT_CHANGED', deploymentId, { id: deploymentId });
    } catch (error) {
      this.log.error({ err: error, rolloutId: id }, 'moving a rollout failed');
    }
  }

  /** The canary against the stable version since the step began, over the analysis window at most. */
  private async analyse(tx: Queryable, r: RolloutRow, now: number): Promise<Analysis> {
    const from = Math.max(r.stepStartedAt.getTime(), now - r.analysis.windowSeconds * 1000);
    const byVersion = await this.series(tx, r.deploymentId, from, now);
    const of = (v: StoredVariant) => {
      const s = byVersion.get(v.versionNumber);
      return figures(v.versionNumber, s?.requests ?? 0, s?.errorCodes ?? {}, s?.latencyCounts ?? []);
    };
    return judge(of(r.stable), of(r.canary), r.analysis, { from, to: now });
  }

  /** Carries out a move; the event to record, if any. */
  private async apply(tx: EntityManager, r: RolloutRow, move: Move, analysis: Analysis, now: number): Promise<RolloutEvent | undefined> {
    r.lastAnalysis = analysis;
    switch (move.kind) {
      case 'wait':
        await this.update(tx, r.id, {}, now, analysis);
        return undefined;
      case 'rollback':
        return this.rollBackIn(tx, r, now, 'rolled_back', move.reason, analysis);
      case 'pause':
        await this.update(tx, r.id, { status: 'paused', reason: move.reason }, now, analysis);
        return { kind: 'ROLLOUT_PAUSED', message: `Rollout of version ${r.canary.versionNumber} waits at step ${r.step + 1} of ${r.steps.length} (a pause): resume it to go on`, detail: this.detail(r) };
      case 'advance':
        return this.advance(tx, r, move.to, now, analysis);
      case 'promote':
        return this.promote(tx, r, now, analysis);
    }
  }

  private async advance(tx: EntityManager, r: RolloutRow, to: number, now: number, analysis?: Analysis): Promise<RolloutEvent> {
    const weight = r.steps[to].weight;
    await this.setWeights(tx, r, weight);
    await this.update(tx, r.id, { status: 'running', reason: null, step: to }, now, analysis);
    const moved = { ...r, step: to };
    return {
      kind: 'ROLLOUT_STEP',
      message: `Rollout of version ${r.canary.versionNumber}: step ${to + 1} of ${r.steps.length}, the canary at ${weight} %`,
      detail: this.detail(moved, analysis),
    };
  }

  private async promote(tx: EntityManager, r: RolloutRow, now: number, analysis?: Analysis): Promise<RolloutEvent> {
    await this.deployments.setVariants(tx, r.deploymentId, [{ ...r.canary, weight: 100 }, ...(await this.shadows(tx, r))]);
    await this.update(tx, r.id, { status: 'promoted', reason: null, ended: true }, now, analysis);
    return {
      kind: 'ROLLOUT_PROMOTED',
      message: `Version ${r.canary.versionNumber} was promoted: it answers every request in place of version ${r.stable.versionNumber}`,
      detail: this.detail(r, analysis),
    };
  }

  private async rollBackIn(tx: EntityManager, r: RolloutRow, now: number, status: 'rolled_back' | 'aborted', reason: string, analysis?: Analysis): Promise<RolloutEvent> {
    await this.deployments.setVariants(tx, r.deploymentId, [{ ...r.stable, weight: 100 }, ...(await this.shadows(tx, r))]);
    await this.update(tx, r.id, { status, reason, ended: true }, now, analysis);
    const back = `version ${r.stable.versionNumber} answers every request again`;
    return status === 'aborted'
      ? { kind: 'ROLLOUT_ABORTED', message: `Rollout of version ${r.canary.versionNumber} ${reason}; ${back}`, detail: { ...this.detail(r, analysis), reason } }
      : { kind: 'ROLLOUT_ROLLED_BACK', message: `Rollout of version ${r.canary.versionNumber} was rolled back: ${reason}; ${back}`, detail: { ...this.detail(r, analysis), reason } };
  }

  /** The stable version at 100 − weight, the canary at weight, the deployment's shadows as they are. */
  private async setWeights(tx: EntityManager, r: RolloutRow, weight: number): Promise<void> {
    await this.deployments.setVariants(tx, r.deploymentId, [{ ...r.stable, weight: 100 - weight }, { ...r.canary, weight }, ...(await this.shadows(tx, r))]);
  }

  private async shadows(tx: Queryable, r: RolloutRow): Promise<StoredVariant[]> {
    const [d] = rows(await tx.query(`SELECT version_id, version_number, alias, variants, min_replicas FROM deployments WHERE id = $1`, [r.deploymentId]));
    return d ? variantsOf(d).filter((v) => v.shadow && v.versionId !== r.canary.versionId && v.versionId !== r.stable.versionId) : [];
  }

  private async update(
    tx: Queryable,
    id: string,
    change: { status?: RolloutStatus; reason?: string | null; step?: number; ended?: boolean },
    now: number,
    analysis?: Analysis,
  ): Promise<void> {
    await tx.query(
      `UPDATE deployment_rollouts SET
         status = coalesce($2, status),
         reason = CASE WHEN $3::boolean THEN $4 ELSE reason END,
         step = coalesce($5, step),
         step_started_at = CASE WHEN $5::int IS NULL THEN step_started_at ELSE $6 END,
         last_analysis = coalesce($7::jsonb, last_analysis),
         ended_at = CASE WHEN $8::boolean THEN $6 ELSE ended_at END,
         updated_at = $6
       WHERE id = $1`,
      [id, change.status ?? null, change.reason !== undefined, change.reason ?? null, change.step ?? null, new Date(now), analysis ? JSON.stringify(analysis) : null, change.ended ?? false],
    );
  }

  private detail(r: RolloutRow, analysis?: Analysis | null): Record<string, unknown> {
    const a = analysis ?? r.lastAnalysis;
    return {
      rolloutId: r.id,
      stableVersion: r.stable.versionNumber,
      canaryVersion: r.canary.versionNumber,
      step: r.step + 1,
      steps: r.steps.length,
      canaryWeight: r.steps[r.step].weight,
      thresholds: r.analysis,
      ...(a ? { analysis: { verdict: a.verdict, stable: a.stable, canary: a.canary, from: new Date(a.from).toISOString(), to: new Date(a.to).toISOString() } } : {}),
    };
  }

  /** A change by a person with write access: in a transaction holding the active rollout; the rollout as it is after. */
  private async byHand(
    principal: Principal,
    owner: string,
    name: string,
    change: (tx: EntityManager, r: RolloutRow, now: number) => Promise<RolloutEvent>,
  ): Promise<RolloutRow> {
    const d: Deployment = await this.deployments.get(principal, owner, name, 'write');
    const announce: (() => void)[] = [];
    const id = await this.db.transaction(async (tx) => {
      const [row] = rows(await tx.query(`SELECT * FROM deployment_rollouts WHERE deployment_id = $1 AND ${ACTIVE} FOR UPDATE`, [d.id]));
      if (!row) throw notFound('Rollout in progress');
      const r = toRollout(row);
      announce.push(await this.events.record(tx, d.id, await change(tx, r, this.clock.now())));
      return r.id;
    });
    await this.announced(d.id, announce);
    const [row] = rows(await this.db.query(`SELECT * FROM deployment_rollouts WHERE id = $1`, [id]));
    return toRollout(row);
  }

  /** After a commit: the reconciler and subscribers hear of the change, then the events go out. */
  private async announced(deploymentId: string, after: (() => void)[]): Promise<void> {
    for (const run of after) run();
    try {
      await this.deployments.announce(deploymentId);
    } catch (error) {
      this.log.warn({ err: error, deploymentId }, 'reconciling a deployment after a rollout move failed; the reconciler tick retries');
      this.bus.publish('DEPLOYMENT_CHANGED', deploymentId, { id: deploymentId });
    }
  }
}

function toRollout(row: any): RolloutRow {
  return {
    id: row.id,
    deploymentId: row.deployment_id,
    status: row.status,
    stable: row.stable,
    canary: row.canary,
    steps: row.steps,
    step: Number(row.step),
    stepStartedAt: new Date(row.step_started_at),
    analysis: row.analysis,
    lastAnalysis: row.last_analysis ?? null,
    reason: row.reason,
    startedBy: row.started_by,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    endedAt: row.ended_at ? new Date(row.ended_at) : null,
  };
}
