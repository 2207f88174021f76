/**
 * The autoscaler: on each tick (AIMASS_SERVE_AUTOSCALE_TICK_MS) every hub writes the demand it saw
 * per deployment (concurrency-meter.ts) into `serving_concurrency`, then decides the wanted
 * replicas of each autoscaled deployment (kpa.ts) from every hub's samples added up. One hub
 * decides a deployment at a time: the decision runs in a transaction holding the deployment's row
 * (FOR UPDATE SKIP LOCKED: a hub finding it held passes it over), and a hub skips a deployment
 * another hub decided less than half a tick ago. The decision's state lives in the row
 * (`deployments.autoscaler`), so whichever hub decides next carries on from it. The reconciler
 * then places or stops replicas to reach the wanted count (a split: each variant its share).
 *
 * `wake` is the cold start: a request for a deployment scaled to zero asks for a replica at once,
 * without waiting for a tick.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { PeriodicPass } from '../periodic-pass.js';
import type { EventBus } from '../../pubsub.js';
import { budgetCeiling, capByBudget } from '../budgets/budget-hold.js';
import type { DeploymentReconciler } from '../reconciler.js';
import { variantReplicas, variantsOf } from '../split/variants.js';
import type { ConcurrencyMeter, MeterClock } from './concurrency-meter.js';
import { decide, initialState, type AutoscalerState, type AutoscalingSettings } from './kpa.js';
import { heldToShare, plannedFloor } from './planned-bounds.js';

/** A `deployments` row as SQL returns it. */
type DeploymentRow = Record<string, any> & { alias: string | null };

/** Samples older than this are deleted (the longest window is an hour). */
const KEEP_SAMPLES_MS = 2 * 3600_000;

export class Autoscaler {
  private readonly passes: PeriodicPass;
  private readonly waking = new Map<string, Promise<void>>();
  private prunedAt = 0;

  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
    private readonly meter: ConcurrencyMeter,
    private readonly reconciler: Pick<DeploymentReconciler, 'reconcile'>,
    private readonly events: EventBus,
    private readonly hubInstance: string,
    private readonly log: Logger,
    private readonly clock: MeterClock = { now: () => Date.now() },
  ) {
    this.passes = new PeriodicPass(() => this.everyPass(), this.config.deployments.autoscaleTickMs, this.log, 'autoscaling failed');
  }

  start(): void {
    this.passes.start();
  }

  async stop(): Promise<void> {
    await this.passes.stop();
    await this.flush().catch(() => undefined);
  }

  /** Writes this hub's samples and decides every autoscaled deployment no other hub is deciding. */
  tick(): Promise<void> {
    return this.passes.run();
  }

  private async everyPass(): Promise<void> {
    await this.flush();
    const due: { id: string }[] = await this.db.query(`SELECT id FROM deployments WHERE autoscaling IS NOT NULL AND coalesce(status_message, '') <> 'deleting'`);
    for (const { id } of due) await this.decideOne(id);
    const now = this.clock.now();
    if (now - this.prunedAt > 60_000) {
      this.prunedAt = now;
      await this.db.query(`DELETE FROM serving_concurrency WHERE at < $1`, [new Date(now - KEEP_SAMPLES_MS)]);
    }
  }

  /** This hub's demand since the last flush, one row per deployment. */
  private async flush(): Promise<void> {
    const samples = this.meter.drain();
    if (samples.length === 0) return;
    await this.db.query(
      `INSERT INTO serving_concurrency (deployment_id, hub_instance, at, in_flight_ms, requests)
       SELECT s.id, $1, $2, s.ms, s.n FROM unnest($3::uuid[], $4::float8[], $5::int[]) AS s(id, ms, n)
       WHERE EXISTS (SELECT 1 FROM deployments d WHERE d.id = s.id)
       ON CONFLICT (deployment_id, at, hub_instance) DO UPDATE SET in_flight_ms = serving_concurrency.in_flight_ms + excluded.in_flight_ms, requests = serving_concurrency.requests + excluded.requests`,
      [this.hubInstance, new Date(this.clock.now()), samples.map((s) => s.deploymentId), samples.map((s) => s.inFlightMs), samples.map((s) => s.requests)],
    );
  }

  /** One decision for one deployment; never throws. */
  async decideOne(deploymentId: string): Promise<void> {
    try {
      const scaled = await this.db.transaction((tx) => this.decideIn(tx, deploymentId));
      if (scaled) await this.scaled(deploymentId);
    } catch (error) {
      this.log.error({ err: error, deploymentId }, 'autoscaling a deployment failed');
    }
  }

  private async decideIn(tx: EntityManager, deploymentId: string): Promise<boolean> {
    const [row] = await tx.query(`SELECT * FROM deployments WHERE id = $1 FOR UPDATE SKIP LOCKED`, [deploymentId]);
    if (!row?.autoscaling || row.status_message === 'deleting') return false;
    const now = this.clock.now();
    const settings = row.autoscaling as AutoscalingSettings;
    const previous: AutoscalerState = row.autoscaler ?? initialState(row.wanted_replicas ?? row.min_replicas, now);
    if (row.autoscaler && now - previous.decidedAt < this.config.deployments.autoscaleTickMs / 2 && now >= previous.decidedAt) return false;
    const stableMs = settings.stableWindowSeconds * 1000;
    const panicMs = settings.panicWindowSeconds * 1000;
    const [sums] = await tx.query(
      `SELECT coalesce(sum(in_flight_ms) FILTER (WHERE at > $2), 0) AS stable, coalesce(sum(in_flight_ms) FILTER (WHERE at > $3), 0) AS panic,
              max(at) FILTER (WHERE requests > 0 OR in_flight_ms > 0) AS last_active,
              (SELECT count(*) FROM deployment_replicas r WHERE r.deployment_id = $1 AND r.state = 'ready') AS ready
       FROM serving_concurrency WHERE deployment_id = $1 AND at > $2`,
      [deploymentId, new Date(now - stableMs), new Date(now - panicMs)],
    );
    const decided = decide(
      settings,
      // The predictive planner's floor (planner.ts), while its plan holds.
      { minReplicas: row.min_replicas, maxReplicas: row.max_replicas, floor: plannedFloor(row.planner, settings, now) },
      {
        stableConcurrency: Number(sums.stable) / stableMs,
        panicConcurrency: Number(sums.panic) / panicMs,
        lastActiveAt: sums.last_active ? new Date(sums.last_active).getTime() : null,
        readyReplicas: Number(sums.ready),
      },
      previous,
      now,
    );
    // Capacity sharing (capacity-share.ts) may hold it below what it wants while the network is short.
    const next = heldToShare(decided, row.capacity_share, row.min_replicas);
    // The budget's hold comes last: it wins over every floor.
    const held = capByBudget(row, next.wantedReplicas);
    const wanted = this.wantedTotal(row, held.wanted);
    await this.write(tx, row, wanted, { ...next, wantedReplicas: wanted, reason: held.note ? `${next.reason}; ${held.note}` : next.reason });
    return wanted !== row.wanted_replicas;
  }

  /** The total the reconciler keeps: a split holds at least one replica per variant while any runs. */
  private wantedTotal(row: DeploymentRow, wanted: number): number {
    if (wanted === 0) return 0;
    return Math.max(wanted, variantsOf(row).length);
  }

  private async write(tx: EntityManager, row: DeploymentRow, wanted: number, state: AutoscalerState): Promise<void> {
    const plan = variantsOf(row);
    const stored = Array.isArray(row.variants) && row.variants.length > 0;
    const counts = variantReplicas(wanted, plan);
    const variants = stored ? plan.map((v, i) => ({ ...v, replicas: counts[i] })) : [];
    await tx.query(`UPDATE deployments SET wanted_replicas = $2, autoscaler = $3::jsonb, variants = $4::jsonb WHERE id = $1`, [row.id, wanted, JSON.stringify(state), JSON.stringify(variants)]);
  }

  private async scaled(deploymentId: string): Promise<void> {
    await this.reconciler.reconcile(deploymentId);
    this.events.publish('DEPLOYMENT_CHANGED', deploymentId, { id: deploymentId });
  }

  /**
   * A request reached a deployment with no ready replica: if it is scaled to zero, one replica
   * (a split: one per variant) is wanted at once. Requests arriving together share one call.
   */
  wake(deploymentId: string): Promise<void> {
    const pending = this.waking.get(deploymentId);
    if (pending) return pending;
    const waking = (async () => {
      try {
        const scaled = await this.db.transaction(async (tx) => {
          const [row] = await tx.query(`SELECT * FROM deployments WHERE id = $1 FOR UPDATE`, [deploymentId]);
          if (!row?.autoscaling || row.wanted_replicas !== 0 || row.status_message === 'deleting' || budgetCeiling(row) === 0) return false;
          const now = this.clock.now();
          const previous: AutoscalerState = row.autoscaler ?? initialState(0, now);
          const wanted = this.wantedTotal(row, Math.max(1, row.min_replicas));
          await this.write(tx, row, wanted, {
            ...previous,
            wantedReplicas: wanted,
            lastActiveAt: now,
            readySince: null,
            lastScaledAt: now,
            decidedAt: now,
            recent: [{ at: now, wanted }],
            reason: 'a request arrived while scaled to zero: cold start',
          });
          return true;
        });
        if (scaled) await this.scaled(deploymentId);
      } catch (error) {
        this.log.error({ err: error, deploymentId }, 'waking a deployment scaled to zero failed');
      } finally {
        this.waking.delete(deploymentId);
      }
    })();
    this.waking.set(deploymentId, waking);
    return waking;
  }
}
