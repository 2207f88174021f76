/**
 * Notifications, one a row, newest first: unread ones marked (a dot and bold text) with a
 * "Mark read" button; what happened, to which model or dataset (a link), and when.
 */
import { Link } from 'react-router';
import type { Notification } from './types';
import { DataTable } from '../components/DataTable';
import { ErrorMessage } from '../components/ErrorMessage';
import { RelativeTime } from '../components/RelativeTime';
import { RowActionButton } from '../components/RowActionButton';
import { useRowAction } from '../components/use-row-action';
import { kindLabel } from './kind-label';
import { subjectPath } from './subject-path';

export interface NotificationsTableProps {
  notifications: Notification[];
  empty: string;
  markRead(notifications: readonly Notification[]): Promise<void>;
}

export function NotificationsTable({ notifications, empty, markRead }: NotificationsTableProps) {
  const action = useRowAction();
  return (
    <>
      <ErrorMessage error={action.error} />
      <DataTable
        rows={notifications}
        rowKey={(notification) => notification.id}
        rowAttributes={(notification) => ({
          'data-testid': 'notification-row',
          'data-id': notification.id,
          'data-read': String(notification.read),
          className: notification.read ? undefined : 'unread',
        })}
        caption="Notifications, newest first"
        testId="notifications-table"
        empty={empty}
        emptyTestId="notifications-empty"
        columns={[
          {
            header: 'Notification',
            cell: (notification) => (
              <>
                {!notification.read && (
                  <span className="unread-dot" title="Unread" data-testid="unread-marker">
                    <span className="visually-hidden">Unread: </span>
                  </span>
                )}
                <span className="notification-message" data-testid="notification-message">
                  {notification.message}
                </span>
                <span className="muted small block">
                  {kindLabel(notification.kind)} ·{' '}
                  <Link to={subjectPath(notification.subject)} data-testid="notification-subject">
                    {notification.subject.owner}/{notification.subject.name}
                  </Link>
                  {notification.version !== null && ` · v${notification.version}`}
                </span>
              </>
            ),
          },
          { header: 'When', className: 'nowrap', cell: (notification) => <RelativeTime value={notification.createdAt} /> },
          {
            header: 'Actions',
            hideHeader: true,
            className: 'actions',
            cell: (notification) =>
              notification.read ? (
                <span className="muted small">Read</span>
              ) : (
                <RowActionButton
                  rowAction={action}
                  row={notification.id}
                  name="read"
                  label="Mark read"
                  busyLabel="Marking…"
                  action={() => markRead([notification])}
                  ariaLabel={`Mark read: ${notification.message}`}
                  testId="mark-read"
                />
              ),
          },
        ]}
      />
    </>
  );
}
