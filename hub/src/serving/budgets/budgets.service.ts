/**
 * Deployment budgets: setting, removing and reading them. A change is judged at once by the
 * keeper (a limit below this month's use applies the action now; a raised one lifts it).
 */
import type { DataSource } from 'typeorm';
import { badInput } from '../../errors.js';
import { BUDGET_COLUMNS, type BudgetKeeper, type BudgetRow } from './budget-keeper.js';
import { BudgetActionKind, type DeploymentBudget, type DeploymentBudgetInput } from './budget.types.js';
import { monthOf } from './replica-months.js';

/** The largest monthly budget accepted (64 replicas for a 31-day month is about 47,616). */
export const MAX_REPLICA_HOURS = 1_000_000;

export class BudgetsService {
  constructor(
    private readonly db: DataSource,
    private readonly keeper: BudgetKeeper,
  ) {}

  /** Sets (or, with null, removes) the deployment's budget; the caller checked write access. */
  async set(deploymentId: string, input: DeploymentBudgetInput | null): Promise<void> {
    if (input === null) {
      await this.db.query(`DELETE FROM deployment_budgets WHERE deployment_id = $1`, [deploymentId]);
    } else {
      const limit = input.limitReplicaHours;
      if (!Number.isFinite(limit) || limit <= 0 || limit > MAX_REPLICA_HOURS) throw badInput('budget.limitReplicaHours', `must be more than 0 and at most ${MAX_REPLICA_HOURS.toLocaleString('en')}`);
      const action = input.action ?? BudgetActionKind.CAP;
      await this.db.query(
        `INSERT INTO deployment_budgets (deployment_id, limit_replica_hours, action, month) VALUES ($1, $2, $3, $4::date)
         ON CONFLICT (deployment_id) DO UPDATE SET limit_replica_hours = excluded.limit_replica_hours, action = excluded.action, updated_at = now()`,
        [deploymentId, limit, action, monthOf(this.keeper.clock.now())],
      );
    }
    await this.keeper.judge(deploymentId, true);
  }

  /** The budget as its owner sees it now; null without one. */
  async view(deploymentId: string): Promise<DeploymentBudget | null> {
    const [row]: BudgetRow[] = await this.db.query(`SELECT ${BUDGET_COLUMNS} FROM deployment_budgets WHERE deployment_id = $1`, [deploymentId]);
    if (!row) return null;
    const [deployment] = await this.db.query(`SELECT budget_hold FROM deployments WHERE id = $1`, [deploymentId]);
    const now = this.keeper.clock.now();
    const month = monthOf(now);
    const used = await this.keeper.used(deploymentId);
    // A new month's warning and overrun are not the last month's, even before the keeper's next tick.
    const stale = row.month < month;
    return {
      limitReplicaHours: Number(row.limit_replica_hours),
      usedReplicaHours: used,
      month: month.slice(0, 7),
      action: row.action as BudgetActionKind,
      held: deployment?.budget_hold != null && !stale,
      warnedAt: !stale && row.warned_at ? new Date(row.warned_at) : null,
      exceededAt: !stale && row.exceeded_at ? new Date(row.exceeded_at) : null,
    };
  }
}
