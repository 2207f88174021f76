/**
 * What the signed-in user may do to a model, to choose which controls to offer (the hub decides
 * in the end, and says FORBIDDEN): 'admin' (visibility, collaborators, delete), 'write' (upload,
 * cards, publishing, aliases, details) or 'read'. The hub says it (`viewerPermission`); the
 * collaborator list, shown only to writers, is asked for only when the user is one; the pending
 * access requests only when they are an admin. A visitor without an account reads ('read').
 */
import { useQuery } from '../api/use-query';
import type { AccessRequest } from '../sharing/types';
import { MODEL_ACCESS_REQUESTS, MODEL_COLLABORATORS, MODEL_PERMISSION } from './model-operations';
import type { ModelCollaborator } from './types';

export type ModelAccess = 'read' | 'write' | 'admin';

export interface ModelAccessState {
  /** undefined while it is being worked out */
  access: ModelAccess | undefined;
  /** Listed to writers and admins; undefined for others or while loading. */
  collaborators: ModelCollaborator[] | undefined;
  reloadCollaborators(): void;
  /** Pending access requests, listed to admins; undefined for others or while loading. */
  accessRequests: AccessRequest[] | undefined;
  reloadAccessRequests(): void;
}

export function useModelAccess(owner: string, name: string): ModelAccessState {
  const permission = useQuery(MODEL_PERMISSION, { owner, name });
  const role = permission.data?.model.viewerPermission;
  const access: ModelAccess | undefined = role ? (role.toLowerCase() as ModelAccess) : permission.error ? 'read' : undefined;
  const listed = useQuery(MODEL_COLLABORATORS, { owner, name }, 0, access === undefined || access === 'read');
  const requests = useQuery(MODEL_ACCESS_REQUESTS, { owner, name }, 0, access !== 'admin');
  return {
    access,
    collaborators: listed.error ? undefined : listed.data?.model.collaborators,
    reloadCollaborators: listed.reload,
    accessRequests: requests.error ? undefined : requests.data?.model.accessRequests,
    reloadAccessRequests: requests.reload,
  };
}
