/**
 * The inbox, newest first, page by page, kept live: a notification that arrives
 * (`notificationAdded`) is put first. Marking read changes the rows in place (or, with
 * `unreadOnly`, drops them) and has the header's badge count again.
 */
import { useCallback, useEffect, useState } from 'react';
import { request, subscribe } from '../api/graphql-client';
import type { GraphQLRequestError } from '../api/graphql-request-error';
import { MARK_ALL_NOTIFICATIONS_READ, MARK_NOTIFICATIONS_READ, NOTIFICATION_ADDED, NOTIFICATIONS } from './notification-operations';
import type { Notification } from './types';
import { usePagedQuery, type PagedQuery } from '../api/use-paged-query';
import { refreshUnreadCount } from './unread-count';

const PAGE_SIZE = 20;

export interface LiveInbox {
  list: PagedQuery<Notification>;
  liveError: GraphQLRequestError | undefined;
  markRead(notifications: readonly Notification[]): Promise<void>;
  markAllRead(): Promise<void>;
}

export function useLiveInbox(unreadOnly: boolean): LiveInbox {
  const list = usePagedQuery<Notification>(NOTIFICATIONS, 'notifications', { unreadOnly }, PAGE_SIZE);
  const [liveError, setLiveError] = useState<GraphQLRequestError>();
  const { upsert, refresh, items } = list;

  useEffect(
    () =>
      subscribe(NOTIFICATION_ADDED, undefined, {
        next: ({ notificationAdded }) => {
          setLiveError(undefined);
          upsert(notificationAdded);
        },
        error: setLiveError,
      }),
    [upsert],
  );

  const markRead = useCallback(
    async (notifications: readonly Notification[]) => {
      await request(MARK_NOTIFICATIONS_READ, { ids: notifications.map((notification) => notification.id) });
      const readAt = new Date().toISOString();
      for (const notification of notifications) upsert({ ...notification, read: true, readAt: notification.readAt ?? readAt }, !unreadOnly);
      refreshUnreadCount();
    },
    [upsert, unreadOnly],
  );

  const markAllRead = useCallback(async () => {
    await request(MARK_ALL_NOTIFICATIONS_READ);
    const readAt = new Date().toISOString();
    for (const notification of items) if (!notification.read) upsert({ ...notification, read: true, readAt }, !unreadOnly);
    // Rows beyond the loaded pages (and their read times) come from the hub.
    refresh();
    refreshUnreadCount();
  }, [items, upsert, refresh, unreadOnly]);

  return { list, liveError, markRead, markAllRead };
}
