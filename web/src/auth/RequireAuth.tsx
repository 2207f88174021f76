/**
 * Renders its children (or, as a layout route, the matched child route) for a signed-in user;
 * anyone else is sent to log in and brought back.
 */
import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from './session-context';

export function RequireAuth({ children }: { children?: ReactNode }) {
  const { state } = useSession();
  const location = useLocation();
  switch (state.status) {
    case 'signed-in':
      return <>{children ?? <Outlet />}</>;
    case 'loading':
      return <p className="muted" role="status">Checking your session…</p>;
    case 'unavailable':
      // The layout's banner says why and offers to try again.
      return <p className="muted">This page will show once the hub answers.</p>;
    case 'signed-out':
      return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
}
