/**
 * Per-row authorization for things with an owner (models, datasets, architectures, jobs, …).
 * `@Authorized` on a resolver decides who may call at all; this decides what this viewer may do
 * with this row, by the rule of permission.ts. Lists and searches filter by the same rule in SQL
 * (readable-sql.ts).
 *
 * The rule that matters most: a thing the viewer may not read does not exist for them, so every
 * refusal to read is NOT_FOUND (never FORBIDDEN, which would confirm it exists). FORBIDDEN is only
 * for things the viewer can see but not change.
 */
import type { DataSource } from 'typeorm';
import { forbidden, notFound } from '../errors.js';
import { allows, effectivePermission, type OrgRole, type Permission, type Visibility } from './permission.js';

/** Who is looking: a signed-in user (a Principal is one), or null for an anonymous visitor. */
export type Viewer = { user: { id: string; isAdmin: boolean } } | null;

export interface OwnedResource {
  /** A user id or an organization id. */
  ownerId: string;
  /** Private when absent: only those with a role read it (jobs). */
  visibility?: Visibility;
  /** The organization whose members have a role on it, when that is not the owner (a job's organization). */
  organizationId?: string | null;
  /** Per-resource grants (collaborators), by user id. */
  collaborators?: ReadonlyMap<string, Permission>;
}

export class AccessService {
  constructor(private readonly db: DataSource) {}

  async orgRole(userId: string, organizationId: string): Promise<OrgRole | undefined> {
    const rows = await this.db.query(`SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2`, [organizationId, userId]);
    return rows[0]?.role;
  }

  async permission(viewer: Viewer, resource: OwnedResource): Promise<Permission | undefined> {
    const userId = viewer?.user.id;
    const organizationId = resource.organizationId === undefined ? resource.ownerId : resource.organizationId;
    return effectivePermission({
      isOwner: userId !== undefined && userId === resource.ownerId,
      orgRole: userId && organizationId ? await this.orgRole(userId, organizationId) : undefined,
      collaborator: userId ? resource.collaborators?.get(userId) : undefined,
      visibility: resource.visibility ?? 'private',
      isPlatformAdmin: viewer?.user.isAdmin ?? false,
    });
  }

  /** Whether the viewer may read the row (the row check behind every lookup). */
  async canRead(viewer: Viewer, resource: OwnedResource): Promise<boolean> {
    return allows(await this.permission(viewer, resource), 'read');
  }

  /**
   * Throws unless the viewer has `need` on the resource: NOT_FOUND when they cannot even read it,
   * FORBIDDEN when they can read it but not do this.
   */
  async require(viewer: Viewer, resource: OwnedResource, need: Permission, what: string): Promise<Permission> {
    const have = await this.permission(viewer, resource);
    if (!allows(have, 'read')) throw notFound(what);
    if (!allows(have, need)) throw forbidden(`You need ${need} access to this ${what.toLowerCase()}`);
    return have!;
  }
}
