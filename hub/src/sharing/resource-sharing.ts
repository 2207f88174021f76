/**
 * Sharing one kind of owned resource (datasets, models): collaborators with roles (read, write,
 * admin) that count in every access check, stars, and access requests. One instance per kind
 * (see {@link SharedResourceKind}); the domain services look their rows up by `owner/name` and
 * hand them here, so the rules below hold the same way for every kind.
 *
 * - Access: owner, organization role, collaborator role and visibility, through
 *   `AccessService.require` (access/) — a caller who may not read a row gets NOT_FOUND, never FORBIDDEN.
 * - Collaborators are listed to writers and set or removed by admins.
 * - Stars: anyone who can read the row; the count is kept on the row.
 * - Asking for access never reveals whether a private row exists: `requestAccess` answers the
 *   same for a row you cannot see, one that does not exist, and one you can already read. The
 *   row's admins (owner, organization owners and admins, admin collaborators) see pending
 *   requests and approve (the requester becomes a read collaborator) or deny; the requester hears
 *   the decision on the accountEvents subscription, and the admins hear of each request there too.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { accountEvent } from '../accounts/index.js';
import { allows, readableSql, type AccessService, type OwnedResource, type Permission } from '../access/index.js';
import type { AccountsService } from '../accounts/index.js';
import type { Principal } from '../accounts/index.js';
import { checks } from '../validation/checks.js';
import { asUuid } from '../db/ids.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { AppError, badInput, notFound } from '../errors.js';
import type { EventBus } from '../pubsub.js';
import type { SharedResourceKind, SharedRow } from './shared-resource.js';

export interface Collaborator {
  userId: string;
  role: Permission;
  createdAt: Date;
}

export interface AccessRequest {
  id: string;
  resourceId: string;
  requesterId: string;
  message: string;
  status: 'pending' | 'approved' | 'denied';
  createdAt: Date;
}

export const ROLES: readonly Permission[] = ['read', 'write', 'admin'];

export class ResourceSharing {
  constructor(
    private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly accounts: AccountsService,
    private readonly events: EventBus,
    readonly kind: SharedResourceKind,
  ) {}

  /** The user's collaborator role on the row, if any. */
  async roleOf(resourceId: string, userId: string, manager: EntityManager = this.db.manager): Promise<Permission | undefined> {
    const rows: { role: Permission }[] = await manager.query(`SELECT role FROM ${this.kind.collaborators} WHERE ${this.kind.key} = $1 AND user_id = $2`, [
      resourceId,
      userId,
    ]);
    return rows[0]?.role;
  }

  /** The caller's strongest permission on the row, collaborator role included; undefined for none. */
  async permission(principal: Principal | null, row: SharedRow): Promise<Permission | undefined> {
    return this.access.permission(principal, await this.owned(principal, row));
  }

  async canRead(principal: Principal | null, row: SharedRow): Promise<boolean> {
    return allows(await this.permission(principal, row), 'read');
  }

  /** Throws unless the caller has `need`: NOT_FOUND when they cannot even read the row, FORBIDDEN otherwise. */
  async require(principal: Principal | null, row: SharedRow, need: Permission): Promise<Permission> {
    return this.access.require(principal, await this.owned(principal, row), need, this.kind.what);
  }

  /** The row as AccessService sees it, with the caller's collaborator role. */
  private async owned(principal: Principal | null, row: SharedRow): Promise<OwnedResource> {
    const role = principal ? await this.roleOf(row.id, principal.user.id) : undefined;
    const collaborators = principal && role ? new Map([[principal.user.id, role]]) : undefined;
    return { ownerId: row.ownerId, visibility: row.visibility, collaborators };
  }

  /**
   * SQL true for rows of `alias` (a `kind.table` alias) that the user whose id is the SQL `user`
   * (e.g. `$1`, `:me`, a column; null: an anonymous visitor) may read, by the access rule
   * (access/readable-sql.ts) with this kind's collaborators. `isAdmin`: SQL true for a platform admin.
   */
  readableSql(alias: string, user: string | null, isAdmin: string | boolean = false): string {
    return readableSql({ alias, collaborators: { table: this.kind.collaborators, key: this.kind.key } }, { user, isAdmin });
  }

  /** The collaborators, oldest first. Visible to those who can write. */
  async collaborators(principal: Principal, row: SharedRow): Promise<Collaborator[]> {
    await this.require(principal, row, 'write');
    const rows = await this.db.query(`SELECT user_id, role, created_at FROM ${this.kind.collaborators} WHERE ${this.kind.key} = $1 ORDER BY created_at, user_id`, [row.id]);
    return rows.map((r: any) => ({ userId: r.user_id, role: r.role, createdAt: r.created_at }));
  }

  /** Gives `username` a role on the row, or (role null) takes it away. Needs admin. */
  async setCollaborator(principal: Principal, row: SharedRow, username: string, role: Permission | null): Promise<boolean> {
    if (role !== null && !ROLES.includes(role)) throw badInput('role', 'must be read, write or admin');
    await this.require(principal, row, 'admin');
    const user = await this.accounts.userByUsername(username);
    if (role === null) await this.db.query(`DELETE FROM ${this.kind.collaborators} WHERE ${this.kind.key} = $1 AND user_id = $2`, [row.id, user.id]);
    else {
      await this.db.query(
        `INSERT INTO ${this.kind.collaborators} (${this.kind.key}, user_id, role) VALUES ($1, $2, $3)
         ON CONFLICT (${this.kind.key}, user_id) DO UPDATE SET role = excluded.role`,
        [row.id, user.id, role],
      );
    }
    return true;
  }

  /** Stars (or unstars) a row the caller can read; the count on the row is recounted in the same transaction. */
  async star(principal: Principal, row: SharedRow, starred: boolean): Promise<void> {
    await this.require(principal, row, 'read');
    const { table, stars, key } = this.kind;
    await this.db.transaction(async (tx) => {
      if (starred) await tx.query(`INSERT INTO ${stars} (${key}, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [row.id, principal.user.id]);
      else await tx.query(`DELETE FROM ${stars} WHERE ${key} = $1 AND user_id = $2`, [row.id, principal.user.id]);
      await tx.query(`UPDATE ${table} SET stars = (SELECT count(*) FROM ${stars} WHERE ${key} = $1) WHERE id = $1`, [row.id]);
    });
  }

  async hasStarred(principal: Principal | null, resourceId: string): Promise<boolean> {
    if (!principal) return false;
    return (await this.starredAmong(principal.user.id, [resourceId])).has(resourceId);
  }

  /** Which of `ids` the user starred, in one statement (for DataLoaders). */
  async starredAmong(userId: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: { id: string }[] = await this.db.query(`SELECT ${this.kind.key} AS id FROM ${this.kind.stars} WHERE user_id = $1 AND ${this.kind.key} = ANY($2::uuid[])`, [
      userId,
      [...ids],
    ]);
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Asks the row's admins for read access. `row` is undefined when `owner/name` names nothing;
   * `label` is how the requester wrote it. Always answers true; see the file comment.
   */
  async requestAccess(principal: Principal, row: SharedRow | undefined, label: string, message: string): Promise<boolean> {
    checks().text('message', message, { min: 0, max: 1000 }).throwIfAny();
    if (!row || (await this.canRead(principal, row))) return true;
    let id: string;
    try {
      [{ id }] = await this.db.query(`INSERT INTO ${this.kind.accessRequests} (${this.kind.key}, requester_id, message) VALUES ($1, $2, $3) RETURNING id`, [
        row.id,
        principal.user.id,
        message,
      ]);
    } catch (error) {
      if (isUniqueViolation(error)) return true; // one pending request per person is enough
      throw error;
    }
    for (const adminId of await this.adminIds(row)) {
      this.events.publish('ACCOUNT_EVENT', adminId, accountEvent(this.kind.events.requested, id, `${principal.user.username} asks for access to ${label}`));
    }
    return true;
  }

  /** Pending requests, oldest first; for the row's admins. */
  async pendingRequests(principal: Principal, row: SharedRow): Promise<AccessRequest[]> {
    await this.require(principal, row, 'admin');
    const rows = await this.db.query(
      `SELECT id, ${this.kind.key} AS resource_id, requester_id, message, status, created_at FROM ${this.kind.accessRequests}
       WHERE ${this.kind.key} = $1 AND status = 'pending' ORDER BY created_at, id`,
      [row.id],
    );
    return rows.map((r: any) => ({ id: r.id, resourceId: r.resource_id, requesterId: r.requester_id, message: r.message, status: r.status, createdAt: r.created_at }));
  }

  /** Approves (read access) or denies a pending request; the requester is told. */
  async decide(principal: Principal, requestId: string, approve: boolean): Promise<boolean> {
    const what = 'Access request';
    const [request] = await this.db.query(`SELECT id, ${this.kind.key} AS resource_id, requester_id, status FROM ${this.kind.accessRequests} WHERE id = $1`, [
      asUuid(requestId, what),
    ]);
    if (!request) throw notFound(what);
    const row = await this.rowById(request.resource_id);
    if (!row) throw notFound(what);
    // Someone who may not administer the row does not learn the request exists.
    await this.require(principal, row, 'admin').catch(() => {
      throw notFound(what);
    });
    if (request.status !== 'pending') throw new AppError('CONFLICT', `This request was already ${request.status}`);
    await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE ${this.kind.accessRequests} SET status = $2, decided_by = $3, decided_at = now() WHERE id = $1`, [
        request.id,
        approve ? 'approved' : 'denied',
        principal.user.id,
      ]);
      if (approve) {
        await tx.query(`INSERT INTO ${this.kind.collaborators} (${this.kind.key}, user_id, role) VALUES ($1, $2, 'read') ON CONFLICT DO NOTHING`, [row.id, request.requester_id]);
      }
    });
    this.events.publish(
      'ACCOUNT_EVENT',
      request.requester_id,
      accountEvent(approve ? this.kind.events.approved : this.kind.events.denied, row.id, `Your request for ${row.name} was ${approve ? 'approved' : 'denied'}`),
    );
    return true;
  }

  private async rowById(id: string): Promise<SharedRow | undefined> {
    const [r] = await this.db.query(`SELECT id, owner_id, visibility, name FROM ${this.kind.table} WHERE id = $1`, [id]);
    return r ? { id: r.id, ownerId: r.owner_id, visibility: r.visibility, name: r.name } : undefined;
  }

  /** Who decides requests: the owner (or the organization's owners and admins) and admin collaborators. */
  private async adminIds(row: SharedRow): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM users WHERE id = $1
       UNION SELECT user_id FROM memberships WHERE organization_id = $1 AND role IN ('owner', 'admin')
       UNION SELECT user_id FROM ${this.kind.collaborators} WHERE ${this.kind.key} = $2 AND role = 'admin'`,
      [row.ownerId, row.id],
    );
    return rows.map((r) => r.id);
  }
}
