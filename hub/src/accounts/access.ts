/**
 * Per-row authorization that every domain uses for things with an owner and a visibility
 * (models, datasets, nodes, …). `@Authorized` on a resolver decides who may call at all; this
 * decides what this caller may do with this row.
 *
 * The rule that matters most: a thing the caller may not read does not exist for them, so every
 * refusal to read is NOT_FOUND (never FORBIDDEN, which would confirm it exists). FORBIDDEN is only
 * for things the caller can see but not change.
 */
import type { DataSource } from 'typeorm';
import { forbidden, notFound } from '../errors.js';
import { OrgRole } from './membership.entity.js';
import type { Principal } from './principal.js';

export type Visibility = 'public' | 'unlisted' | 'private';
export type Permission = 'read' | 'write' | 'admin';

const RANK: Record<Permission, number> = { read: 1, write: 2, admin: 3 };

export interface OwnedResource {
  /** A user id or an organization id. */
  ownerId: string;
  visibility: Visibility;
  /** Per-resource grants (collaborators), by user id. */
  collaborators?: ReadonlyMap<string, Permission>;
}

export interface AccessFacts {
  isOwner: boolean;
  orgRole: OrgRole | undefined;
  collaborator: Permission | undefined;
  visibility: Visibility;
  isPlatformAdmin: boolean;
}

/** The strongest permission the facts give, or undefined for none. Pure, so it is unit-tested directly. */
export function effectivePermission(facts: AccessFacts): Permission | undefined {
  const granted: Permission[] = [];
  if (facts.isOwner || facts.isPlatformAdmin) granted.push('admin');
  if (facts.orgRole === OrgRole.OWNER || facts.orgRole === OrgRole.ADMIN) granted.push('admin');
  if (facts.orgRole === OrgRole.MEMBER) granted.push('write');
  if (facts.collaborator) granted.push(facts.collaborator);
  if (facts.visibility !== 'private') granted.push('read');
  return granted.sort((a, b) => RANK[b] - RANK[a])[0];
}

export const allows = (have: Permission | undefined, need: Permission) => have !== undefined && RANK[have] >= RANK[need];

export class AccessService {
  constructor(private readonly db: DataSource) {}

  async orgRole(userId: string, organizationId: string): Promise<OrgRole | undefined> {
    const rows = await this.db.query(`SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2`, [organizationId, userId]);
    return rows[0]?.role;
  }

  async permission(principal: Principal | null, resource: OwnedResource): Promise<Permission | undefined> {
    const userId = principal?.user.id;
    return effectivePermission({
      isOwner: userId !== undefined && userId === resource.ownerId,
      orgRole: userId ? await this.orgRole(userId, resource.ownerId) : undefined,
      collaborator: userId ? resource.collaborators?.get(userId) : undefined,
      visibility: resource.visibility,
      isPlatformAdmin: principal?.user.isAdmin ?? false,
    });
  }

  /**
   * Throws unless the caller has `need` on the resource: NOT_FOUND when they cannot even read it,
   * FORBIDDEN when they can read it but not do this.
   */
  async require(principal: Principal | null, resource: OwnedResource, need: Permission, what: string): Promise<Permission> {
    const have = await this.permission(principal, resource);
    if (!allows(have, 'read')) throw notFound(what);
    if (!allows(have, need)) throw forbidden(`You need ${need} access to this ${what.toLowerCase()}`);
    return have!;
  }
}
