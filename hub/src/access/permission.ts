/**
 * The rule "who may do what with a thing that has an owner" as pure facts → permission, so it is
 * unit-tested directly. {@link AccessService} gathers the facts for one row; readable-sql.ts
 * writes the read part of the same rule as SQL for lists, searches and fan-outs.
 *
 * - The owner (a user), a platform admin, and the owner organization's owners and admins: admin.
 * - The owner organization's members: write.
 * - A collaborator: their role (read, write or admin).
 * - Anyone, signed in or not, on a public or unlisted thing: read (unlisted things are read by
 *   their name but listed only to those with a role).
 */

export type Visibility = 'public' | 'unlisted' | 'private';
export type Permission = 'read' | 'write' | 'admin';
/** A member's role in an organization (the memberships table). */
export type OrgRole = 'owner' | 'admin' | 'member';

const RANK: Record<Permission, number> = { read: 1, write: 2, admin: 3 };

export interface AccessFacts {
  isOwner: boolean;
  orgRole: OrgRole | undefined;
  collaborator: Permission | undefined;
  visibility: Visibility;
  isPlatformAdmin: boolean;
}

/** The strongest permission the facts give, or undefined for none. */
export function effectivePermission(facts: AccessFacts): Permission | undefined {
  const granted: Permission[] = [];
  if (facts.isOwner || facts.isPlatformAdmin) granted.push('admin');
  if (facts.orgRole === 'owner' || facts.orgRole === 'admin') granted.push('admin');
  if (facts.orgRole === 'member') granted.push('write');
  if (facts.collaborator) granted.push(facts.collaborator);
  if (facts.visibility !== 'private') granted.push('read');
  return granted.sort((a, b) => RANK[b] - RANK[a])[0];
}

export const allows = (have: Permission | undefined, need: Permission) => have !== undefined && RANK[have] >= RANK[need];
