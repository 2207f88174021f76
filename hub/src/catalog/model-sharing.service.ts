/**
 * Sharing a model: collaborators with roles (read, write, admin), stars and access requests —
 * the same rules as datasets, kept once in sharing/ (ResourceSharing) — and what a model says
 * about its forks: where it was forked from (only if the caller may still read that model) and
 * how many forks of it the caller may see.
 *
 * Asking for access never reveals whether a private model exists: `requestAccess` answers the
 * same for a model you cannot see, one that does not exist, and one you can already read.
 */
import type { DataSource } from 'typeorm';
import { AccountEventKind } from '../accounts/index.js';
import type { Permission } from '../access/index.js';
import type { Principal } from '../accounts/index.js';
import { AppError } from '../errors.js';
import type { AccessRequest, Collaborator, ResourceSharing, SharedResourceKind } from '../sharing/index.js';
import type { CatalogService } from './catalog.service.js';
import { Model } from './model.entity.js';

/** Where model sharing lives (migration 1765200000000). */
export const MODEL_SHARING: SharedResourceKind = {
  what: 'Model',
  table: 'models',
  collaborators: 'model_collaborators',
  stars: 'model_stars',
  accessRequests: 'model_access_requests',
  key: 'model_id',
  events: {
    requested: AccountEventKind.MODEL_ACCESS_REQUESTED,
    approved: AccountEventKind.MODEL_ACCESS_APPROVED,
    denied: AccountEventKind.MODEL_ACCESS_DENIED,
  },
};

export class ModelSharingService {
  constructor(
    private readonly db: DataSource,
    private readonly catalog: CatalogService,
    private readonly sharing: ResourceSharing,
  ) {}

  /** What the caller may do with a model they can read: read, write or admin. */
  async permission(principal: Principal | null, model: Model): Promise<Permission> {
    return (await this.sharing.permission(principal, model)) ?? 'read';
  }

  collaborators(principal: Principal, model: Model): Promise<Collaborator[]> {
    return this.sharing.collaborators(principal, model);
  }

  /** Gives `username` a role on the model, or (role null) takes it away. Needs admin on the model. */
  async setCollaborator(principal: Principal, owner: string, name: string, username: string, role: Permission | null): Promise<boolean> {
    return this.sharing.setCollaborator(principal, await this.catalog.byOwnerAndName(owner, name), username, role);
  }

  /** Always answers true; see the file comment. */
  async requestAccess(principal: Principal, owner: string, name: string, message: string): Promise<boolean> {
    return this.sharing.requestAccess(principal, await this.findQuietly(owner, name), `${owner}/${name}`, message);
  }

  pendingRequests(principal: Principal, model: Model): Promise<AccessRequest[]> {
    return this.sharing.pendingRequests(principal, model);
  }

  decide(principal: Principal, requestId: string, approve: boolean): Promise<boolean> {
    return this.sharing.decide(principal, requestId, approve);
  }

  /** Stars (or unstars) a model the caller can read; NOT_FOUND for one they cannot. */
  async star(principal: Principal, owner: string, name: string, starred: boolean): Promise<Model> {
    const model = await this.catalog.byOwnerAndName(owner, name);
    await this.sharing.star(principal, model, starred);
    return this.db.getRepository(Model).findOneByOrFail({ id: model.id });
  }

  /** Which of the models the user starred (one statement, for a DataLoader). */
  starredAmong(userId: string, modelIds: readonly string[]): Promise<Set<string>> {
    return this.sharing.starredAmong(userId, modelIds);
  }

  /** The model this one was forked from, or null: none, deleted since, or not readable by the caller any more. */
  async forkedFrom(principal: Principal | null, model: Model): Promise<Model | null> {
    if (!model.forkedFrom) return null;
    const source = await this.db.getRepository(Model).findOneBy({ id: model.forkedFrom });
    if (!source || !(await this.sharing.canRead(principal, source))) return null;
    return source;
  }

  /** How many forks of each model the caller may read (private forks of others are not counted), in one statement. */
  async forkCounts(principal: Principal | null, modelIds: readonly string[]): Promise<Map<string, number>> {
    if (modelIds.length === 0) return new Map();
    const readable = this.sharing.readableSql('f', principal && '$2', principal?.user.isAdmin);
    const params: unknown[] = [[...modelIds]];
    if (principal && !principal.user.isAdmin) params.push(principal.user.id);
    const rows: { id: string; n: string }[] = await this.db.query(
      `SELECT f.forked_from AS id, count(*) AS n FROM models f WHERE f.forked_from = ANY($1::uuid[]) AND ${readable} GROUP BY f.forked_from`,
      params,
    );
    return new Map(rows.map((r) => [r.id, Number(r.n)]));
  }

  private async findQuietly(owner: string, name: string): Promise<Model | undefined> {
    try {
      return await this.catalog.byOwnerAndName(owner, name);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }
}
