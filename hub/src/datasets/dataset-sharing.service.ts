/**
 * Sharing a dataset: collaborators with roles (read, write, admin), stars and access requests.
 * The rules live once in sharing/ (ResourceSharing), shared with models; this service finds the
 * dataset by `owner/name` and hands it over.
 *
 * Asking for access never reveals whether a private dataset exists: `requestAccess` answers the
 * same for a dataset you cannot see, one that does not exist, and one you can already read.
 */
import { AccountEventKind } from '../accounts/index.js';
import type { Permission } from '../access/index.js';
import type { Principal } from '../accounts/index.js';
import { AppError } from '../errors.js';
import type { AccessRequest, Collaborator, ResourceSharing, SharedResourceKind } from '../sharing/index.js';
import type { Dataset } from './dataset.entity.js';
import type { DatasetsService } from './datasets.service.js';

/** Where dataset sharing lives (migrations 1764700000000 and 1764800000000). */
export const DATASET_SHARING: SharedResourceKind = {
  what: 'Dataset',
  table: 'datasets',
  collaborators: 'dataset_collaborators',
  stars: 'dataset_stars',
  accessRequests: 'dataset_access_requests',
  key: 'dataset_id',
  events: {
    requested: AccountEventKind.DATASET_ACCESS_REQUESTED,
    approved: AccountEventKind.DATASET_ACCESS_APPROVED,
    denied: AccountEventKind.DATASET_ACCESS_DENIED,
  },
};

export class DatasetSharingService {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly sharing: ResourceSharing,
  ) {}

  /** The caller's strongest permission on a dataset they can read (anyone, signed in or not, reads a public one). */
  async permission(principal: Principal | null, dataset: Dataset): Promise<Permission> {
    return (await this.sharing.permission(principal, dataset)) ?? 'read';
  }

  collaborators(principal: Principal, dataset: Dataset): Promise<Collaborator[]> {
    return this.sharing.collaborators(principal, dataset);
  }

  async setCollaborator(principal: Principal, owner: string, name: string, username: string, role: Permission | null): Promise<boolean> {
    return this.sharing.setCollaborator(principal, await this.datasets.byOwnerAndName(owner, name), username, role);
  }

  /** Always answers true; see the file comment. */
  async requestAccess(principal: Principal, owner: string, name: string, message: string): Promise<boolean> {
    return this.sharing.requestAccess(principal, await this.findQuietly(owner, name), `${owner}/${name}`, message);
  }

  pendingRequests(principal: Principal, dataset: Dataset): Promise<AccessRequest[]> {
    return this.sharing.pendingRequests(principal, dataset);
  }

  /** Approves (read access) or denies a pending request; the requester is told. */
  decide(principal: Principal, requestId: string, approve: boolean): Promise<boolean> {
    return this.sharing.decide(principal, requestId, approve);
  }

  private async findQuietly(owner: string, name: string): Promise<Dataset | undefined> {
    try {
      return await this.datasets.byOwnerAndName(owner, name);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }
}
