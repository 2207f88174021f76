/**
 * Keeps the signed-in user in step with the stored token: on load (and whenever the token
 * changes, here or in another tab) it asks the hub `me`. If the hub says UNAUTHENTICATED the
 * token is cleared and the user is sent to log in again.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { ME, LOG_OUT } from '../api/auth-operations';
import { request } from '../api/graphql-client';
import { GraphQLRequestError } from '../api/graphql-request-error';
import { clearSession, getToken, onSessionChange, saveSession } from '../api/session';
import type { AuthPayload, User } from '../api/types';
import { SessionContext, type Session, type SessionState } from './session-context';

export function SessionProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const location = useLocation();
  /** Where the user is, read when a stale session sends them to log in. */
  const here = useRef(location);
  useEffect(() => {
    here.current = location;
  }, [location]);

  const [token, setToken] = useState(getToken);
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<SessionState>(() => (token ? { status: 'loading' } : { status: 'signed-out' }));
  /** The user signUp/logIn returned, so we need not ask `me` right after. */
  const known = useRef<{ token: string; user: User } | null>(null);

  useEffect(() => onSessionChange((session) => setToken(session?.token ?? null)), []);

  useEffect(() => {
    if (!token) {
      known.current = null;
      setState({ status: 'signed-out' });
      return;
    }
    if (known.current?.token === token) {
      setState({ status: 'signed-in', user: known.current.user });
      return;
    }
    let current = true;
    setState({ status: 'loading' });
    request(ME).then(
      ({ me }) => {
        if (!current) return;
        known.current = { token, user: me };
        setState({ status: 'signed-in', user: me });
      },
      (error: unknown) => {
        const problem = GraphQLRequestError.from(error);
        if (problem.code === 'UNAUTHENTICATED') {
          // request() has already forgotten this token (which also re-renders us), so do not
          // wait for `current`: unless someone signed in meanwhile, go to log in.
          if (getToken() === token) clearSession();
          if (getToken() !== null) return;
          const { pathname, search } = here.current;
          // (If a guard already redirected to /login?next=…, keep its `next`.)
          const next = pathname === '/login' ? search : pathname === '/signup' ? '' : `?next=${encodeURIComponent(pathname + search)}`;
          navigate(`/login${next}`, { replace: true, state: { notice: 'Your session has ended. Log in again.' } });
          return;
        }
        if (current) setState({ status: 'unavailable', message: problem.message });
      },
    );
    return () => {
      current = false;
    };
  }, [token, attempt, navigate]);

  const startSession = useCallback((payload: AuthPayload) => {
    known.current = { token: payload.token, user: payload.user };
    saveSession({ token: payload.token, expiresAt: payload.expiresAt });
    // Now, not after the next effect: the caller navigates to a page that requires it.
    setState({ status: 'signed-in', user: payload.user });
  }, []);

  const endSession = useCallback(async () => {
    try {
      await request(LOG_OUT);
    } catch {
      // The session may already be gone on the hub; forgetting it here is what matters.
    }
    known.current = null;
    clearSession();
    setState({ status: 'signed-out' });
  }, []);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  const session = useMemo<Session>(() => ({ state, startSession, endSession, retry }), [state, startSession, endSession, retry]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
