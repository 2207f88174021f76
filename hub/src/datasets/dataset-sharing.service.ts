/**
 * Sharing a dataset: collaborators with roles (read, write, admin) and access requests.
 *
 * Asking for access never reveals whether a private dataset exists: `requestAccess` answers the
 * same for a dataset you cannot see, one that does not exist, and one you can already read. The
 * dataset's admins (owner, organization owners and admins, admin collaborators) see pending
 * requests and approve (the requester becomes a read collaborator) or deny; the requester hears
 * the decision on the accountEvents subscription, and the admins hear of each request there too.
 */
import type { DataSource } from 'typeorm';
import { AccountEventKind, accountEvent } from '../accounts/account-event.js';
import type { Permission } from '../accounts/access.js';
import type { AccountsService } from '../accounts/accounts.service.js';
import type { Principal } from '../accounts/principal.js';
import { checks } from '../accounts/validation.js';
import { asUuid } from '../db/ids.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { AppError, badInput, notFound } from '../errors.js';
import type { EventBus } from '../pubsub.js';
import type { Dataset } from './dataset.entity.js';
import type { DatasetsService } from './datasets.service.js';

export interface Collaborator {
  userId: string;
  role: Permission;
  createdAt: Date;
}

export interface AccessRequest {
  id: string;
  datasetId: string;
  requesterId: string;
  message: string;
  status: 'pending' | 'approved' | 'denied';
  createdAt: Date;
}

const ROLES: Permission[] = ['read', 'write', 'admin'];

export class DatasetSharingService {
  constructor(
    private readonly db: DataSource,
    private readonly datasets: DatasetsService,
    private readonly accounts: AccountsService,
    private readonly events: EventBus,
  ) {}

  async collaborators(principal: Principal, dataset: Dataset): Promise<Collaborator[]> {
    await this.datasets.requireAccess(principal, dataset, 'write');
    const rows = await this.db.query(`SELECT user_id, role, created_at FROM dataset_collaborators WHERE dataset_id = $1 ORDER BY created_at`, [dataset.id]);
    return rows.map((r: any) => ({ userId: r.user_id, role: r.role, createdAt: r.created_at }));
  }

  async setCollaborator(principal: Principal, owner: string, name: string, username: string, role: Permission | null): Promise<boolean> {
    if (role !== null && !ROLES.includes(role)) throw badInput('role', 'must be read, write or admin');
    const dataset = await this.datasets.get(principal, owner, name, 'admin');
    const user = await this.accounts.userByUsername(username);
    if (role === null) await this.db.query(`DELETE FROM dataset_collaborators WHERE dataset_id = $1 AND user_id = $2`, [dataset.id, user.id]);
    else {
      await this.db.query(
        `INSERT INTO dataset_collaborators (dataset_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT (dataset_id, user_id) DO UPDATE SET role = excluded.role`,
        [dataset.id, user.id, role],
      );
    }
    return true;
  }

  /** Always answers true; see the file comment. */
  async requestAccess(principal: Principal, owner: string, name: string, message: string): Promise<boolean> {
    checks().text('message', message, { min: 0, max: 1000 }).throwIfAny();
    const dataset = await this.findQuietly(owner, name);
    if (!dataset) return true;
    const can = await this.datasets.requireAccess(principal, dataset, 'read').catch(() => undefined);
    if (can) return true;
    let id: string;
    try {
      [{ id }] = await this.db.query(`INSERT INTO dataset_access_requests (dataset_id, requester_id, message) VALUES ($1, $2, $3) RETURNING id`, [
        dataset.id,
        principal.user.id,
        message,
      ]);
    } catch (error) {
      if (isUniqueViolation(error)) return true; // one pending request per person is enough
      throw error;
    }
    for (const adminId of await this.adminIds(dataset)) {
      this.events.publish('ACCOUNT_EVENT', adminId, accountEvent(AccountEventKind.DATASET_ACCESS_REQUESTED, id, `${principal.user.username} asks for access to ${owner}/${dataset.name}`));
    }
    return true;
  }

  async pendingRequests(principal: Principal, dataset: Dataset): Promise<AccessRequest[]> {
    await this.datasets.requireAccess(principal, dataset, 'admin');
    const rows = await this.db.query(
      `SELECT id, dataset_id, requester_id, message, status, created_at FROM dataset_access_requests WHERE dataset_id = $1 AND status = 'pending' ORDER BY created_at`,
      [dataset.id],
    );
    return rows.map((r: any) => ({ id: r.id, datasetId: r.dataset_id, requesterId: r.requester_id, message: r.message, status: r.status, createdAt: r.created_at }));
  }

  /** Approves (read access) or denies a pending request; the requester is told. */
  async decide(principal: Principal, requestId: string, approve: boolean): Promise<boolean> {
    const [request] = await this.db.query(`SELECT id, dataset_id, requester_id, status FROM dataset_access_requests WHERE id = $1`, [asUuid(requestId, 'Access request')]);
    if (!request) throw notFound('Access request');
    const dataset = await this.datasets.byId(request.dataset_id);
    if (!dataset) throw notFound('Access request');
    // Someone who may not administer the dataset does not learn the request exists.
    await this.datasets.requireAccess(principal, dataset, 'admin').catch(() => {
      throw notFound('Access request');
    });
    if (request.status !== 'pending') throw new AppError('CONFLICT', `This request was already ${request.status}`);
    await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE dataset_access_requests SET status = $2, decided_by = $3, decided_at = now() WHERE id = $1`, [
        request.id,
        approve ? 'approved' : 'denied',
        principal.user.id,
      ]);
      if (approve) {
        await tx.query(`INSERT INTO dataset_collaborators (dataset_id, user_id, role) VALUES ($1, $2, 'read') ON CONFLICT DO NOTHING`, [dataset.id, request.requester_id]);
      }
    });
    this.events.publish(
      'ACCOUNT_EVENT',
      request.requester_id,
      accountEvent(
        approve ? AccountEventKind.DATASET_ACCESS_APPROVED : AccountEventKind.DATASET_ACCESS_DENIED,
        dataset.id,
        `Your request for ${dataset.name} was ${approve ? 'approved' : 'denied'}`,
      ),
    );
    return true;
  }

  private async findQuietly(owner: string, name: string): Promise<Dataset | undefined> {
    try {
      return await this.datasets.byOwnerAndName(owner, name);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  /** Who decides requests: the owner (or the organization's owners and admins) and admin collaborators. */
  private async adminIds(dataset: Dataset): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM users WHERE id = $1
       UNION SELECT user_id FROM memberships WHERE organization_id = $1 AND role IN ('owner', 'admin')
       UNION SELECT user_id FROM dataset_collaborators WHERE dataset_id = $2 AND role = 'admin'`,
      [dataset.ownerId, dataset.id],
    );
    return rows.map((r) => r.id);
  }
}
