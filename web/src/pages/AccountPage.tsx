/**
 * The signed-in user's account: API keys, compute nodes and organizations. While it is open it
 * listens to `accountEvents` and reloads the list an event is about, so a node connecting or a
 * key revoked in another tab shows at once.
 */
import { useCallback, useState } from 'react';
import type { AccountEvent, AccountEventKind } from '../api/types';
import { ApiKeysSection } from '../account/ApiKeysSection';
import { NodeTokensSection } from '../account/NodeTokensSection';
import { OrganizationsSection } from '../account/OrganizationsSection';
import { RecentEvents } from '../account/RecentEvents';
import { StorageSection } from '../account/StorageSection';
import { useAccountEvents } from '../account/use-account-events';
import { useSession } from '../auth/session-context';
import { usePageTitle } from '../components/use-page-title';

type ListName = 'apiKeys' | 'nodes' | 'organizations';

/** The kinds that change one of the page's lists; the others (access requests, flagged nodes) only show in Recent events. */
const LIST_OF: Partial<Record<AccountEventKind, ListName>> = {
  API_KEY_CREATED: 'apiKeys',
  API_KEY_REVOKED: 'apiKeys',
  NODE_REGISTERED: 'nodes',
  NODE_TOKEN_REVOKED: 'nodes',
  NODE_CONNECTED: 'nodes',
  NODE_DISCONNECTED: 'nodes',
  MEMBERSHIP_CHANGED: 'organizations',
};

export function AccountPage() {
  usePageTitle('Account');
  const { state } = useSession();
  const [refresh, setRefresh] = useState<Record<ListName, number>>({ apiKeys: 0, nodes: 0, organizations: 0 });

  const onEvent = useCallback((event: AccountEvent) => {
    const list = LIST_OF[event.kind];
    if (list) setRefresh((r) => ({ ...r, [list]: r[list] + 1 }));
  }, []);
  const { events, error } = useAccountEvents(onEvent);

  if (state.status !== 'signed-in') return null; // RequireAuth guards this page
  const { user } = state;
  return (
    <div className="page">
      <div className="page-heading">
        <h1>Account</h1>
        <p className="muted" data-testid="account-identity">
          Signed in as <strong>{user.username}</strong>
          {user.displayName && user.displayName !== user.username ? ` (${user.displayName})` : ''}
          {user.email ? ` · ${user.email}` : ''}
        </p>
      </div>
      <div className="page-grid">
        <div className="account-main">
          <ApiKeysSection refresh={refresh.apiKeys} />
          <NodeTokensSection refresh={refresh.nodes} />
          <OrganizationsSection refresh={refresh.organizations} />
          <StorageSection refresh={refresh.organizations} />
        </div>
        <aside className="account-side">
          <RecentEvents events={events} error={error} />
        </aside>
      </div>
    </div>
  );
}
