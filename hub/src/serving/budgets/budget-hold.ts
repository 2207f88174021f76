/**
 * The hold a budget puts on a deployment (`deployments.budget_hold`, set by the budget keeper):
 * the most replicas the deployment may run. The reconciler's desired count and the autoscaler's
 * wanted count — a planner's floor included — both pass through `budgetCeiling`, so a budget's
 * cap wins over every other reason to run more replicas.
 *
 * - `cap`: at most max(minReplicas, 1). A deployment that scales to zero still does when idle,
 *   and wakes to one replica for the next request.
 * - `stop`: none (status STOPPED, its status message says why).
 */

/** The columns of a `deployments` row the hold reads. */
export interface HeldRow {
  budget_hold?: string | null;
  min_replicas: number;
}

/** The most replicas the row's budget lets it run; Infinity when it holds nothing. */
export function budgetCeiling(row: HeldRow): number {
  if (row.budget_hold === 'stop') return 0;
  if (row.budget_hold === 'cap') return Math.max(row.min_replicas, 1);
  return Infinity;
}

/** `wanted` within the budget's ceiling, with words for the autoscaler's reason when it was lowered. */
export function capByBudget(row: HeldRow, wanted: number): { wanted: number; note: string | null } {
  const ceiling = budgetCeiling(row);
  if (wanted <= ceiling) return { wanted, note: null };
  const note = row.budget_hold === 'stop' ? `stopped by its monthly budget (${wanted} wanted)` : `held at ${ceiling} by its monthly budget (${wanted} wanted)`;
  return { wanted: ceiling, note };
}

/** The status message of a deployment its budget holds; null when it holds nothing. */
export function budgetHoldMessage(row: HeldRow): string | null {
  if (row.budget_hold === 'stop') return 'stopped by its monthly budget: every replica-hour of this month is used; it starts again next month, or when the budget is raised or removed';
  if (row.budget_hold === 'cap') return `capped by its monthly budget: at most ${Math.max(row.min_replicas, 1)} replica(s) until next month, or until the budget is raised or removed`;
  return null;
}

/** Whether a status message is one budgetHoldMessage wrote (a pass replaces it when the hold changes). */
export function isBudgetHoldMessage(message: string): boolean {
  return message.startsWith('stopped by its monthly budget:') || message.startsWith('capped by its monthly budget:');
}
