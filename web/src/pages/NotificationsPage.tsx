/**
 * The inbox: the user's notifications, newest first, unread ones marked, with "Unread only" (in
 * the URL: `?unread=1`), "Load more", mark read and mark all read; new ones arrive live. Below,
 * the subscriptions that bring them, with each webhook's delivery log.
 */
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorMessage } from '../components/ErrorMessage';
import { PagedListView } from '../components/ListView';
import { usePageTitle } from '../components/use-page-title';
import { useRowAction } from '../components/use-row-action';
import { NotificationsTable } from '../notifications/NotificationsTable';
import { SubscriptionsSection } from '../notifications/SubscriptionsSection';
import { useLiveInbox } from '../notifications/use-live-inbox';

export function NotificationsPage() {
  usePageTitle('Notifications');
  const [params, setParams] = useSearchParams();
  const inUrl = params.get('unread') === '1';
  // The router applies URL changes in a transition: the checkbox follows the click at once, and
  // the URL (back and forward included) when it changes.
  const [unreadOnly, setUnreadOnly] = useState(inUrl);
  const [seen, setSeen] = useState(inUrl);
  if (seen !== inUrl) {
    setSeen(inUrl);
    setUnreadOnly(inUrl);
  }
  const { list, liveError, markRead, markAllRead } = useLiveInbox(unreadOnly);
  const markAll = useRowAction();
  const anyUnread = list.items.some((notification) => !notification.read);

  return (
    <div className="page">
      <div className="page-heading">
        <h1>Notifications</h1>
        <p className="muted">News of the models and datasets you follow: new versions, deprecations and more.</p>
      </div>
      <section className="card" aria-labelledby="inbox-heading">
        <div className="toolbar">
          <h2 id="inbox-heading">Inbox</h2>
          <div className="toolbar-actions">
            <label className="checkbox">
              <input
                type="checkbox"
                checked={unreadOnly}
                onChange={(event) => {
                  setUnreadOnly(event.target.checked);
                  setParams(event.target.checked ? { unread: '1' } : {});
                }}
                data-testid="unread-only"
              />
              Unread only
            </label>
            <button
              type="button"
              className="button secondary small"
              disabled={markAll.pending !== null || (!anyUnread && !list.hasNextPage)}
              onClick={() => void markAll.run('all', 'read', markAllRead)}
              data-testid="mark-all-read"
            >
              {markAll.pending ? 'Marking…' : 'Mark all read'}
            </button>
          </div>
        </div>
        <ErrorMessage error={markAll.error} />
        <ErrorMessage error={liveError && `Live updates paused: ${liveError.message}`} />
        <PagedListView list={list}>
          {(notifications) => (
            <NotificationsTable
              notifications={notifications}
              markRead={markRead}
              empty={unreadOnly ? 'Nothing unread: you are all caught up.' : 'No notifications yet. Follow a model or dataset to hear of its new versions.'}
            />
          )}
        </PagedListView>
      </section>
      <SubscriptionsSection />
    </div>
  );
}
