/**
 * Organizations and their members. Roles: owner > admin > member.
 * - admins and owners add members, change roles and remove members below them;
 * - only owners grant, change or remove the owner role, and delete the organization;
 * - the last owner cannot leave or be demoted, so an organization is never orphaned;
 * - anyone may leave (remove themselves).
 */
import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '../db/unique-violation.js';
import { conflict, forbidden, notFound, AppError } from '../errors.js';
import { paginate, type Page, type PageArgs } from '../db/paging.js';
import type { EventBus } from '../pubsub.js';
import { AccountEventKind, accountEvent } from './account-event.js';
import type { AccountsService } from './accounts.service.js';
import { Membership, OrgRole, ROLE_RANK } from './membership.entity.js';
import { Organization } from './organization.entity.js';
import type { Principal } from './principal.js';
import { checks } from '../validation/checks.js';

/** Who can own a model or dataset: a user or an organization (one namespace of handles). */
export interface Owner {
  id: string;
  handle: string;
  kind: 'user' | 'organization';
}

export interface OrganizationInput {
  handle: string;
  displayName?: string | null;
  description?: string | null;
}

export class OrganizationsService {
  constructor(
    private readonly db: DataSource,
    private readonly accounts: AccountsService,
    private readonly events: EventBus,
  ) {}

  async create(principal: Principal, input: OrganizationInput): Promise<Organization> {
    const displayName = input.displayName?.trim() || input.handle;
    const description = input.description ?? '';
    checks()
      .handle('handle', input.handle)
      .text('displayName', displayName, { max: 100 })
      .text('description', description, { min: 0, max: 2000 })
      .throwIfAny();
    return this.db.transaction(async (tx) => {
      try {
        await tx.query(`INSERT INTO handles (handle_lower, kind) VALUES ($1, 'org')`, [input.handle.toLowerCase()]);
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict('This name is taken by a user or an organization', 'handle');
        throw error;
      }
      const org = await tx.getRepository(Organization).save(
        tx.getRepository(Organization).create({ handle: input.handle, displayName, description }),
      );
      await tx.getRepository(Membership).insert({ organizationId: org.id, userId: principal.user.id, role: OrgRole.OWNER });
      return org;
    });
  }

  async byHandle(handle: string): Promise<Organization> {
    const org = await this.db
      .getRepository(Organization)
      .createQueryBuilder('o')
      .where('lower(o.handle) = lower(:handle)', { handle })
      .getOne();
    if (!org) throw notFound('Organization');
    return org;
  }

  /** A user or organization handle → its id. Unknown handles are NOT_FOUND as `what` (the thing looked up through it). */
  async ownerByHandle(handle: string, what: string): Promise<Owner> {
    try {
      const user = await this.accounts.userByUsername(handle);
      return { id: user.id, handle: user.username, kind: 'user' };
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'NOT_FOUND')) throw error;
    }
    try {
      const org = await this.byHandle(handle);
      return { id: org.id, handle: org.handle, kind: 'organization' };
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') throw notFound(what);
      throw error;
    }
  }

  /**
   * The owner of something the caller creates (`what`: "datasets", "models"): themselves when no
   * handle is given, or an organization they belong to. Anyone else's name is FORBIDDEN, unless
   * the caller is a platform admin.
   */
  async ownerForNew(principal: Principal, handle: string | null | undefined, what: string): Promise<Owner> {
    if (!handle) return { id: principal.user.id, handle: principal.user.username, kind: 'user' };
    const owner = await this.ownerByHandle(handle, 'Owner');
    if (principal.user.isAdmin) return owner;
    if (owner.kind === 'organization') {
      if (!(await this.roleOf(principal.user.id, owner.id))) throw forbidden(`Only members of ${owner.handle} can create its ${what}`);
    } else if (owner.id !== principal.user.id) {
      throw forbidden(`You can create ${what} only for yourself or your organizations`);
    }
    return owner;
  }

  /**
   * For a DataLoader: the handle of each owner id, user or organization, in one statement (a page
   * of models or datasets owned by both costs one lookup, not one per kind).
   */
  async ownerHandles(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; handle: string }[] = await this.db.query(
      `SELECT id, username AS handle FROM users WHERE id = ANY($1::uuid[])
       UNION ALL SELECT id, handle FROM organizations WHERE id = ANY($1::uuid[])`,
      [[...ids]],
    );
    return new Map(rows.map((r) => [r.id, r.handle]));
  }

  async byIds(ids: readonly string[]): Promise<Organization[]> {
    if (ids.length === 0) return [];
    return this.db.getRepository(Organization).createQueryBuilder('o').where('o.id IN (:...ids)', { ids }).getMany();
  }

  async roleOf(userId: string, organizationId: string): Promise<OrgRole | undefined> {
    return (await this.db.getRepository(Membership).findOneBy({ organizationId, userId }))?.role;
  }

  /** The caller's role, or FORBIDDEN if it is below `need`. Non-members get FORBIDDEN too: organizations are public. */
  private async requireRole(principal: Principal, org: Organization, need: OrgRole): Promise<OrgRole> {
    const role = principal.user.isAdmin ? OrgRole.OWNER : await this.roleOf(principal.user.id, org.id);
    if (!role || ROLE_RANK[role] < ROLE_RANK[need]) {
      throw forbidden(`Only an organization ${need} can do this`);
    }
    return role;
  }

  async update(principal: Principal, handle: string, input: { displayName?: string | null; description?: string | null }): Promise<Organization> {
    const org = await this.byHandle(handle);
    await this.requireRole(principal, org, OrgRole.ADMIN);
    const c = checks();
    if (input.displayName != null) c.text('displayName', input.displayName.trim(), { max: 100 });
    if (input.description != null) c.text('description', input.description, { min: 0, max: 2000 });
    c.throwIfAny();
    if (input.displayName != null) org.displayName = input.displayName.trim();
    if (input.description != null) org.description = input.description;
    return this.db.getRepository(Organization).save(org);
  }

  async delete(principal: Principal, handle: string): Promise<boolean> {
    const org = await this.byHandle(handle);
    await this.requireRole(principal, org, OrgRole.OWNER);
    await this.db.transaction(async (tx) => {
      await tx.getRepository(Organization).delete({ id: org.id });
      await tx.query(`DELETE FROM handles WHERE handle_lower = $1`, [org.handle.toLowerCase()]);
    });
    return true;
  }

  /** Members are listed to members only. */
  async members(principal: Principal, org: Organization, args: PageArgs): Promise<Page<Membership>> {
    await this.requireRole(principal, org, OrgRole.MEMBER);
    const qb = this.db.getRepository(Membership).createQueryBuilder('m').where('m.organizationId = :orgId', { orgId: org.id });
    return paginate(qb, args);
  }

  async addMember(principal: Principal, handle: string, username: string, role: OrgRole): Promise<Membership> {
    const org = await this.byHandle(handle);
    const mine = await this.requireRole(principal, org, OrgRole.ADMIN);
    if (ROLE_RANK[role] > ROLE_RANK[mine]) throw forbidden(`Only an owner can make someone ${role}`);
    const user = await this.accounts.userByUsername(username);
    try {
      await this.db.getRepository(Membership).insert({ organizationId: org.id, userId: user.id, role });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`${user.username} is already a member`, 'username');
      throw error;
    }
    this.notify(user.id, org, `You were added to ${org.handle} as ${role}`);
    return this.db.getRepository(Membership).findOneByOrFail({ organizationId: org.id, userId: user.id });
  }

  async setRole(principal: Principal, handle: string, username: string, role: OrgRole): Promise<Membership> {
    const org = await this.byHandle(handle);
    const mine = await this.requireRole(principal, org, OrgRole.ADMIN);
    const user = await this.accounts.userByUsername(username);
    return this.db.transaction(async (tx) => {
      const repo = tx.getRepository(Membership);
      const membership = await repo.findOne({ where: { organizationId: org.id, userId: user.id }, lock: { mode: 'pessimistic_write' } });
      if (!membership) throw notFound('Membership');
      if (Math.max(ROLE_RANK[role], ROLE_RANK[membership.role]) > ROLE_RANK[mine]) {
        throw forbidden('Only an owner can grant or change the owner role');
      }
      if (membership.role === OrgRole.OWNER && role !== OrgRole.OWNER) await this.assertAnotherOwner(tx, org.id);
      membership.role = role;
      await repo.save(membership);
      this.notify(user.id, org, `Your role in ${org.handle} is now ${role}`);
      return membership;
    });
  }

  async removeMember(principal: Principal, handle: string, username: string): Promise<boolean> {
    const org = await this.byHandle(handle);
    const user = await this.accounts.userByUsername(username);
    const self = user.id === principal.user.id;
    const mine = self ? undefined : await this.requireRole(principal, org, OrgRole.ADMIN);
    await this.db.transaction(async (tx) => {
      const repo = tx.getRepository(Membership);
      const membership = await repo.findOne({ where: { organizationId: org.id, userId: user.id }, lock: { mode: 'pessimistic_write' } });
      if (!membership) throw notFound('Membership');
      if (mine && ROLE_RANK[membership.role] > ROLE_RANK[mine]) throw forbidden('Only an owner can remove an owner');
      if (membership.role === OrgRole.OWNER) await this.assertAnotherOwner(tx, org.id);
      await repo.delete({ organizationId: org.id, userId: user.id });
    });
    this.notify(user.id, org, `You are no longer a member of ${org.handle}`);
    return true;
  }

  async myOrganizations(principal: Principal, args: PageArgs): Promise<Page<Organization>> {
    const qb = this.db
      .getRepository(Organization)
      .createQueryBuilder('o')
      .innerJoin(Membership, 'm', 'm.organization_id = o.id AND m.user_id = :userId', { userId: principal.user.id });
    return paginate(qb, args);
  }

  private async assertAnotherOwner(tx: { query: DataSource['query'] }, organizationId: string): Promise<void> {
    const [{ owners }] = await tx.query(`SELECT count(*)::int AS owners FROM memberships WHERE organization_id = $1 AND role = 'owner'`, [organizationId]);
    if (owners <= 1) throw new AppError('CONFLICT', 'An organization needs at least one owner; make someone else owner first');
  }

  private notify(userId: string, org: Organization, message: string): void {
    this.events.publish('ACCOUNT_EVENT', userId, accountEvent(AccountEventKind.MEMBERSHIP_CHANGED, org.id, message));
  }
}
