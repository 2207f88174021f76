/** Renders its children for a signed-in user; anyone else is sent to log in and brought back. */
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from './session-context';

export function RequireAuth({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const location = useLocation();
  switch (state.status) {
    case 'signed-in':
      return <>{children}</>;
    case 'loading':
      return <p className="muted" role="status">Checking your session…</p>;
    case 'unavailable':
      // The layout's banner says why and offers to try again.
      return <p className="muted">This page will show once the hub answers.</p>;
    case 'signed-out':
      return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
}
