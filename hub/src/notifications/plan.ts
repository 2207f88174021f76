/**
 * Plans on model subscriptions: a name and a daily request quota for the model's inference API.
 * Serving enforces the quota (serving/quotas/applicable-limits.ts): a subscriber's requests to the
 * model's deployments, with any of their keys or sessions, count against it per UTC day.
 */
import type { Checks } from '../validation/checks.js';
import { SubjectKind } from './subject.js';

export const MAX_DAILY_REQUEST_QUOTA = 100_000_000;

export interface PlanValue {
  name: string;
  dailyRequestQuota: number;
}

/** Adds a problem per bad field (`plan`, `plan.name`, `plan.dailyRequestQuota`); answers the cleaned plan. */
export function checkPlan(c: Checks, kind: SubjectKind, plan: PlanValue): PlanValue {
  const name = plan.name.trim();
  if (kind !== SubjectKind.MODEL) c.add('plan', 'only a model subscription can carry a plan');
  c.text('plan.name', name, { max: 50 });
  const quota = plan.dailyRequestQuota;
  if (!Number.isInteger(quota) || quota < 1 || quota > MAX_DAILY_REQUEST_QUOTA) {
    c.add('plan.dailyRequestQuota', `must be a whole number from 1 to ${MAX_DAILY_REQUEST_QUOTA}`);
  }
  return { name, dailyRequestQuota: quota };
}
