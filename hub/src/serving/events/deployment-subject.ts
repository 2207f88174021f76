/**
 * Deployments as a notification subject: who may follow one (and so hear of its rollouts,
 * incidents and budget) is who may change it — its owner, or the members of the organization
 * that owns it (access/permission.ts gives them write); platform admins are handled by the caller.
 */
import type { Principal } from '../../accounts/index.js';
import type { SubjectLookup, SubjectReadRule } from '../../notifications/index.js';
import type { DeploymentsService } from '../deployments.service.js';

export const deploymentManagersRule: SubjectReadRule = {
  readableSql: (alias, user) => `(${alias}.owner_id = ${user} OR ${alias}.owner_id IN (SELECT organization_id FROM memberships WHERE user_id = ${user}))`,
};

/** `owner/name` for subscribe(): NOT_FOUND to those who cannot see it, FORBIDDEN to those who only see it. */
export const deploymentLookup = (deployments: Pick<DeploymentsService, 'get'>): SubjectLookup => ({
  get: (principal: Principal, owner: string, name: string) => deployments.get(principal, owner, name, 'write'),
});
