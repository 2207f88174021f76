/**
 * Whether the signed-in user may upload to datasets of `owner`: their own, their organizations'
 * (any member may upload), or any if they are a platform administrator. The hub decides in the
 * end; this only chooses whether to offer the upload link. Undefined until the organizations load.
 */
import { useMyOrganizations } from '../api/use-my-organizations';
import { useSession } from '../auth/session-context';

export function useCanWrite(owner: string | undefined): boolean | undefined {
  const { state } = useSession();
  const { organizations } = useMyOrganizations();
  if (state.status !== 'signed-in' || owner === undefined) return false;
  const me = state.user;
  if (me.isAdmin || me.username.toLowerCase() === owner.toLowerCase()) return true;
  if (!organizations) return undefined;
  return organizations.some((organization) => organization.handle.toLowerCase() === owner.toLowerCase());
}
