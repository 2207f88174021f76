/**
 * What the signed-in user may do to a model, to choose which controls to offer (the hub decides
 * in the end, and says FORBIDDEN): 'admin' (visibility, collaborators, delete), 'write' (upload,
 * cards, publishing, aliases, details) or 'read'.
 *
 * The hub has no "my permission" field, so it is worked out as the hub's access rules do
 * (hub/src/accounts/access.ts): platform admins and the owner are admins, an organization's
 * owners and admins are admins of its models and its members writers; a collaborator has their
 * role. The collaborator list is shown only to writers, so reading it also tells whether the
 * user is one (a READ collaborator, or anyone else, gets FORBIDDEN and is a reader).
 */
import { useMyOrganizations } from '../api/use-my-organizations';
import { useQuery } from '../api/use-query';
import { useSession } from '../auth/session-context';
import { MODEL_COLLABORATORS } from './model-operations';
import type { ModelCollaborator } from './types';

export type ModelAccess = 'read' | 'write' | 'admin';

export interface ModelAccessState {
  /** undefined while it is being worked out */
  access: ModelAccess | undefined;
  /** Listed to writers and admins; undefined for others or while loading. */
  collaborators: ModelCollaborator[] | undefined;
  reloadCollaborators(): void;
}

export function useModelAccess(owner: string, name: string): ModelAccessState {
  const { state } = useSession();
  const { organizations } = useMyOrganizations();
  const listed = useQuery<{ model: { collaborators: ModelCollaborator[] } }>(MODEL_COLLABORATORS, { owner, name });
  const reloadCollaborators = listed.reload;
  const collaborators = listed.error ? undefined : listed.data?.model.collaborators;

  if (state.status !== 'signed-in') return { access: 'read', collaborators: undefined, reloadCollaborators };
  const me = state.user;
  const handle = owner.toLowerCase();
  let fromOwnership: ModelAccess | undefined;
  if (me.isAdmin || me.username.toLowerCase() === handle) fromOwnership = 'admin';
  else if (organizations) {
    const role = organizations.find((organization) => organization.handle.toLowerCase() === handle)?.viewerRole;
    fromOwnership = role === 'OWNER' || role === 'ADMIN' ? 'admin' : role === 'MEMBER' ? 'write' : 'read';
  }
  if (fromOwnership === 'admin') return { access: 'admin', collaborators, reloadCollaborators };
  if (listed.loading && !listed.data && !listed.error) return { access: fromOwnership === 'write' ? 'write' : undefined, collaborators, reloadCollaborators };
  const role = collaborators?.find((collaborator) => collaborator.user.id === me.id)?.role;
  const fromRole: ModelAccess = role === 'ADMIN' ? 'admin' : collaborators ? 'write' : 'read';
  const access = strongest(fromOwnership ?? 'read', fromRole);
  return { access: fromOwnership === undefined && access !== 'admin' ? undefined : access, collaborators, reloadCollaborators };
}

const RANK: Record<ModelAccess, number> = { read: 1, write: 2, admin: 3 };
function strongest(a: ModelAccess, b: ModelAccess): ModelAccess {
  return RANK[a] >= RANK[b] ? a : b;
}
