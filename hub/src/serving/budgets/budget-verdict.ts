/**
 * What a deployment's budget calls for at one moment: a pure function of the stored budget, the
 * replica-hours used in the current month and the time `now` it is given (the keeper passes its
 * clock), so the month arithmetic is tested on a clock the test drives.
 *
 * - a month later than the one the budget's state belongs to starts afresh: the warning and the
 *   overrun are forgotten and a hold is lifted;
 * - at WARNING_SHARE of the limit, the warning (once per month);
 * - at the limit, the owner's action (once per month): the deployment is held (`cap` or `stop`);
 * - under the limit while held (the owner raised it): the hold is lifted, and the warning and the
 *   overrun may come again for the new limit.
 */

export type BudgetAction = 'cap' | 'stop';

/** The share of the limit that raises the warning. */
export const WARNING_SHARE = 0.8;

export interface StoredBudget {
  limitReplicaHours: number;
  action: BudgetAction;
  /** The month ('YYYY-MM-01') warnedAt and exceededAt belong to. */
  month: string;
  warnedAt: number | null;
  exceededAt: number | null;
}

export interface Verdict {
  /** The budget's state after this moment. */
  next: StoredBudget;
  /** The hold the deployment should carry: null, 'cap' or 'stop'. */
  hold: BudgetAction | null;
  /** Events to record, in order. */
  events: ('warning' | 'exceeded' | 'lifted' | 'new-month')[];
}

export function budgetVerdict(budget: StoredBudget, month: string, usedReplicaHours: number, currentHold: BudgetAction | null, now: number): Verdict {
  const events: Verdict['events'] = [];
  let next = { ...budget };
  // A clock behind the stored month (another hub's clock ran ahead) changes nothing.
  if (month < budget.month) return { next, hold: currentHold, events };
  if (month > budget.month) {
    next = { ...next, month, warnedAt: null, exceededAt: null };
    if (currentHold) events.push('new-month');
    currentHold = null;
  }
  const limit = budget.limitReplicaHours;
  let hold: BudgetAction | null = currentHold;
  if (usedReplicaHours >= limit) {
    if (next.exceededAt === null) {
      next.exceededAt = now;
      events.push('exceeded');
    }
    // Passing the limit at once (a lowered limit) warns by the overrun alone.
    if (next.warnedAt === null) next.warnedAt = now;
    hold = budget.action;
  } else {
    if (currentHold) events.push('lifted');
    hold = null;
    next.exceededAt = null;
    if (usedReplicaHours >= WARNING_SHARE * limit) {
      if (next.warnedAt === null) {
        next.warnedAt = now;
        events.push('warning');
      }
    } else next.warnedAt = null;
  }
  return { next, hold, events };
}
