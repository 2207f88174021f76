/** The header's link to the notifications inbox: a bell, with the unread count as a badge that moves live. */
import { NavLink } from 'react-router';
import { useUnreadCount } from './unread-count';

export function InboxLink({ userId }: { userId: string }) {
  const unread = useUnreadCount(userId);
  const label = unread ? `Notifications, ${unread} unread` : 'Notifications';
  return (
    <NavLink to="/notifications" className="inbox-link" aria-label={label} title={label} data-testid="nav-notifications">
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
        <path
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
          fill="currentColor"
        />
      </svg>
      {unread !== undefined && unread > 0 && (
        <span className="count-badge" data-testid="unread-badge" data-count={unread} aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </NavLink>
  );
}
