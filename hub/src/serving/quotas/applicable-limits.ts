/**
 * Which limits one inference request spends: the API key's own (per second and per UTC day, and a
 * throttle an alert put on it for one deployment), the
 * subscriber plan's daily quota (per subscriber and model), and the deployment's own (for all its
 * callers together). Each is a counter named by `key`, shared by every hub on the database.
 */
import type { Principal } from '../../accounts/index.js';
import type { CallerAccess, DeploymentTarget } from '../deployment-target.js';

/** `day`: an exact count per UTC day; `second`: a token bucket refilled at `value` per second. */
export type LimitPeriod = 'day' | 'second';
/** Whose limit it is: named in the refusal. */
export type LimitOwner = 'apiKey' | 'plan' | 'deployment';

export interface Limit {
  period: LimitPeriod;
  owner: LimitOwner;
  key: string;
  /** Requests per day, or requests per second. */
  value: number;
}

export function applicableLimits(principal: Principal, target: DeploymentTarget, access: CallerAccess): Limit[] {
  const limits: Limit[] = [];
  const add = (owner: LimitOwner, period: LimitPeriod, key: string, value: number | null | undefined) => {
    if (value != null && value > 0) limits.push({ owner, period, key, value });
  };
  if (principal.via === 'apiKey') {
    add('apiKey', 'second', `apiKey:${principal.credentialId}`, principal.keyLimits?.requestsPerSecond);
    add('apiKey', 'day', `apiKey:${principal.credentialId}`, principal.keyLimits?.dailyRequests);
    // A key an alert throttled on this deployment (it flooded it): its rate here, whatever its own limits.
    if (principal.credentialId) add('apiKey', 'second', `throttle:${target.id}:${principal.credentialId}`, target.keyThrottles?.[principal.credentialId]);
  }
  // A plan's quota is the subscriber's per model, whichever key or session they call with.
  if (access.via === 'subscriber' && access.plan) add('plan', 'day', `plan:${principal.user.id}:${target.modelId}`, access.plan.dailyRequestQuota);
  add('deployment', 'second', `deployment:${target.id}`, target.requestsPerSecond);
  add('deployment', 'day', `deployment:${target.id}`, target.dailyRequestQuota);
  return limits;
}
