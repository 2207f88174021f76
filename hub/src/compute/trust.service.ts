/**
 * Trust lists: the nodes, and the providers (users) whose nodes, an owner trusts to run jobs that
 * read its non-public data — besides its own nodes (a user's; an organization members') and the
 * operator-run nodes everyone trusts (placement.ts has the rule; queue/claim-jobs.ts applies it).
 *
 * A user manages their own lists; an organization's are read by its members and changed by its
 * admins and owners. Operator-run is set by platform admins.
 */
import type { DataSource } from 'typeorm';
import type { AccountsService } from '../accounts/index.js';
import { OrgRole } from '../accounts/index.js';
import type { OrganizationsService } from '../accounts/index.js';
import type { Principal } from '../accounts/index.js';
import type { User } from '../accounts/index.js';
import { asUuid } from '../db/ids.js';
import { badInput, forbidden, notFound } from '../errors.js';
import { Node } from './node.entity.js';
import type { NodesService } from './nodes.service.js';

/** Whose list: the caller's, or an organization's. */
export interface TrustOwner {
  id: string;
  handle: string;
  kind: 'user' | 'organization';
}

export interface TrustList {
  owner: TrustOwner;
  nodes: Node[];
  providers: User[];
  operatorRunNodes: Node[];
}

const MAX_ENTRIES = 500;

export class TrustService {
  constructor(
    private readonly db: DataSource,
    private readonly accounts: AccountsService,
    private readonly organizations: OrganizationsService,
    private readonly nodes: NodesService,
  ) {}

  /** The list's owner: the caller, or the organization (members read; admins and owners change). Non-members: NOT_FOUND. */
  private async owner(principal: Principal, organization: string | null | undefined, change: boolean): Promise<TrustOwner> {
    if (!organization) return { id: principal.user.id, handle: principal.user.username, kind: 'user' };
    const org = await this.organizations.byHandle(organization);
    const role = principal.user.isAdmin ? OrgRole.OWNER : await this.organizations.roleOf(principal.user.id, org.id);
    if (!role) throw notFound('Organization');
    if (change && role === OrgRole.MEMBER) throw forbidden('Only an organization admin or owner can change its trusted nodes');
    return { id: org.id, handle: org.handle, kind: 'organization' };
  }

  async list(principal: Principal, organization?: string | null): Promise<TrustList> {
    return this.read(await this.owner(principal, organization, false));
  }

  private async read(owner: TrustOwner): Promise<TrustList> {
    const nodes = this.db.getRepository(Node);
    const trusted = await nodes
      .createQueryBuilder('n')
      .where('n.id IN (SELECT node_id FROM trusted_nodes WHERE principal_id = :id)', { id: owner.id })
      .orderBy('n.name')
      .getMany();
    const providerIds: { provider_id: string }[] = await this.db.query(`SELECT provider_id FROM trusted_providers WHERE principal_id = $1 ORDER BY created_at`, [owner.id]);
    const providers = await this.accounts.usersByIds(providerIds.map((p) => p.provider_id));
    const operatorRunNodes = await nodes.createQueryBuilder('n').where('n.operatorRun').orderBy('n.name').getMany();
    return { owner, nodes: trusted, providers, operatorRunNodes };
  }

  async trustNode(principal: Principal, nodeId: string, organization?: string | null): Promise<TrustList> {
    const owner = await this.owner(principal, organization, true);
    const node = await this.nodes.get(nodeId);
    await this.checkRoom(owner.id, 'nodeId');
    await this.db.query(`INSERT INTO trusted_nodes (principal_id, node_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [owner.id, node.id]);
    this.nodes.trustChanged();
    return this.read(owner);
  }

  async untrustNode(principal: Principal, nodeId: string, organization?: string | null): Promise<TrustList> {
    const owner = await this.owner(principal, organization, true);
    await this.db.query(`DELETE FROM trusted_nodes WHERE principal_id = $1 AND node_id = $2`, [owner.id, asUuid(nodeId, 'Node')]);
    return this.read(owner);
  }

  async trustProvider(principal: Principal, username: string, organization?: string | null): Promise<TrustList> {
    const owner = await this.owner(principal, organization, true);
    const provider = await this.accounts.userByUsername(username);
    if (provider.id === owner.id) throw badInput('username', 'your own nodes are trusted already');
    await this.checkRoom(owner.id, 'username');
    await this.db.query(`INSERT INTO trusted_providers (principal_id, provider_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [owner.id, provider.id]);
    this.nodes.trustChanged();
    return this.read(owner);
  }

  async untrustProvider(principal: Principal, username: string, organization?: string | null): Promise<TrustList> {
    const owner = await this.owner(principal, organization, true);
    const provider = await this.accounts.userByUsername(username);
    await this.db.query(`DELETE FROM trusted_providers WHERE principal_id = $1 AND provider_id = $2`, [owner.id, provider.id]);
    return this.read(owner);
  }

  private async checkRoom(ownerId: string, field: string): Promise<void> {
    const [{ n }] = await this.db.query(
      `SELECT (SELECT count(*) FROM trusted_nodes WHERE principal_id = $1) + (SELECT count(*) FROM trusted_providers WHERE principal_id = $1) AS n`,
      [ownerId],
    );
    if (Number(n) >= MAX_ENTRIES) throw badInput(field, `a trust list holds at most ${MAX_ENTRIES} nodes and providers; remove one first`);
  }
}
