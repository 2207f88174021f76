/**
 * The budget keeper: on each tick (AIMASS_BUDGET_TICK_MS) every hub meters the ready spans into
 * monthly replica-hours (replica-hours.ts) and judges each deployment's budget (budget-verdict.ts):
 * the 80 % warning, the owner's action at 100 % (the hold, budget-hold.ts) and the new month that
 * lifts it. A judgement runs in a transaction holding the deployment's row, so hubs take turns and
 * each warning and overrun is recorded once; its events (timeline, inbox, webhooks) are written in
 * that transaction. Time comes from the clock it is given.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '../../logger.js';
import { PeriodicPass } from '../periodic-pass.js';
import { budgetVerdict, WARNING_SHARE, type BudgetAction, type StoredBudget, type Verdict } from './budget-verdict.js';
import { meterSpans, replicaHoursUsed } from './replica-hours.js';
import { monthOf } from './replica-months.js';
import type { DeploymentEventInput, DeploymentEvents } from '../events/deployment-events.js';

export interface BudgetClock {
  now(): number;
}

/** One event of a deployment's timeline. */
export type BudgetEvent = DeploymentEventInput;

/** Where budget events go: recorded in the caller's transaction, announced by the function answered, after the commit. */
export type BudgetEventRecorder = Pick<DeploymentEvents, 'record'>;

export interface BudgetKeeperParts {
  events: BudgetEventRecorder;
  /** Brings the deployment to its (held or released) replica count. */
  reconcile(deploymentId: string): Promise<void>;
  /** Tells subscribers the deployment changed. */
  changed(deploymentId: string): void;
}

/** A budget row as stored, with its month as text. */
export interface BudgetRow {
  deployment_id: string;
  limit_replica_hours: number;
  action: BudgetAction;
  month: string;
  warned_at: Date | null;
  exceeded_at: Date | null;
}

export const BUDGET_COLUMNS = `deployment_id, limit_replica_hours, action, to_char(month, 'YYYY-MM-DD') AS month, warned_at, exceeded_at`;

export function storedBudget(row: BudgetRow): StoredBudget {
  return {
    limitReplicaHours: Number(row.limit_replica_hours),
    action: row.action,
    month: row.month,
    warnedAt: row.warned_at ? new Date(row.warned_at).getTime() : null,
    exceededAt: row.exceeded_at ? new Date(row.exceeded_at).getTime() : null,
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
const monthName = (month: string) => month.slice(0, 7);

export class BudgetKeeper {
  private readonly passes: PeriodicPass;

  constructor(
    private readonly db: DataSource,
    private readonly parts: BudgetKeeperParts,
    private readonly tickMs: number,
    private readonly log: Logger,
    readonly clock: BudgetClock = { now: () => Date.now() },
  ) {
    this.passes = new PeriodicPass(() => this.everyPass(), this.tickMs, this.log, 'keeping budgets failed');
  }

  start(): void {
    this.passes.start();
  }

  async stop(): Promise<void> {
    await this.passes.stop();
  }

  /** Meters every span and judges every budget; never throws. */
  tick(): Promise<void> {
    return this.passes.run();
  }

  private async everyPass(): Promise<void> {
    await meterSpans(this.db, this.clock.now());
    const budgets: { deployment_id: string }[] = await this.db.query(`SELECT deployment_id FROM deployment_budgets`);
    for (const { deployment_id } of budgets) await this.judge(deployment_id);
  }

  /** Replica-hours the deployment used this month (by the keeper's clock). */
  used(deploymentId: string): Promise<number> {
    const now = this.clock.now();
    return replicaHoursUsed(this.db, deploymentId, monthOf(now), now);
  }

  /** Judges one deployment's budget now; never throws. `changed`: subscribers hear of the deployment even when nothing was held or lifted (its budget was edited). */
  async judge(deploymentId: string, changed = false): Promise<void> {
    try {
      const after = await this.db.transaction((tx) => this.judgeIn(tx, deploymentId));
      if (!after) {
        if (changed) this.parts.changed(deploymentId);
        return;
      }
      for (const announce of after.announce) announce();
      if (after.holdChanged) await this.parts.reconcile(deploymentId);
      this.parts.changed(deploymentId);
    } catch (error) {
      this.log.error({ err: error, deploymentId }, 'judging a budget failed');
    }
  }

  private async judgeIn(tx: EntityManager, deploymentId: string): Promise<{ announce: (() => void)[]; holdChanged: boolean } | undefined> {
    const [deployment] = await tx.query(`SELECT id, min_replicas, budget_hold, status_message FROM deployments WHERE id = $1 FOR UPDATE`, [deploymentId]);
    if (!deployment || deployment.status_message === 'deleting') return undefined;
    const [row]: BudgetRow[] = await tx.query(`SELECT ${BUDGET_COLUMNS} FROM deployment_budgets WHERE deployment_id = $1 FOR UPDATE`, [deploymentId]);
    const hold = (deployment.budget_hold ?? null) as BudgetAction | null;
    if (!row) {
      // No budget (removed): nothing holds the deployment.
      if (hold === null) return undefined;
      await tx.query(`UPDATE deployments SET budget_hold = NULL WHERE id = $1`, [deploymentId]);
      return { announce: [], holdChanged: true };
    }
    const now = this.clock.now();
    const month = monthOf(now);
    const budget = storedBudget(row);
    const used = await replicaHoursUsed(tx, deploymentId, month, now);
    const verdict = budgetVerdict(budget, month, used, hold, now);
    const n = verdict.next;
    if (n.month !== budget.month || n.warnedAt !== budget.warnedAt || n.exceededAt !== budget.exceededAt) {
      await tx.query(`UPDATE deployment_budgets SET month = $2::date, warned_at = $3, exceeded_at = $4 WHERE deployment_id = $1`, [
        deploymentId,
        n.month,
        n.warnedAt === null ? null : new Date(n.warnedAt),
        n.exceededAt === null ? null : new Date(n.exceededAt),
      ]);
    }
    const holdChanged = verdict.hold !== hold;
    if (holdChanged) await tx.query(`UPDATE deployments SET budget_hold = $2 WHERE id = $1`, [deploymentId, verdict.hold]);
    const announce: (() => void)[] = [];
    for (const kind of verdict.events) {
      announce.push(await this.parts.events.record(tx, deploymentId, this.event(kind, verdict, used, Number(deployment.min_replicas))));
    }
    if (!holdChanged && verdict.events.length === 0) return undefined;
    return { announce, holdChanged };
  }

  private event(kind: Verdict['events'][number], verdict: Verdict, used: number, minReplicas: number): BudgetEvent {
    const b = verdict.next;
    const detail = { month: monthName(b.month), usedReplicaHours: round(used), limitReplicaHours: b.limitReplicaHours, share: round(used / b.limitReplicaHours), action: b.action.toUpperCase() };
    const figures = `${round(used)} of ${b.limitReplicaHours} replica-hours used in ${monthName(b.month)}`;
    switch (kind) {
      case 'warning':
        return { kind: 'BUDGET_WARNING', message: `budget warning: ${figures} (at least ${WARNING_SHARE * 100} %)`, detail };
      case 'exceeded':
        return {
          kind: 'BUDGET_EXCEEDED',
          message:
            b.action === 'stop'
              ? `budget used up: ${figures}; the deployment is stopped until next month`
              : `budget used up: ${figures}; the deployment is capped at ${Math.max(minReplicas, 1)} replica(s) until next month`,
          detail,
        };
      case 'lifted':
        return { kind: 'BUDGET_LIFTED', message: `the budget was raised above this month's use (${figures}): the deployment is no longer held`, detail };
      case 'new-month':
        return { kind: 'BUDGET_LIFTED', message: `a new month (${monthName(b.month)}) began: the budget no longer holds the deployment`, detail };
    }
  }
}
