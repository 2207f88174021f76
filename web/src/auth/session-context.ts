/** Who is signed in, as React context; provided by SessionProvider, read with useSession(). */
import { createContext, useContext } from 'react';
import type { AuthPayload, User } from '../api/types';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; user: User }
  /** There is a token, but the hub could not be asked whose it is (network trouble). */
  | { status: 'unavailable'; message: string };

export interface Session {
  state: SessionState;
  /** Stores the token from signUp/logIn and makes its user the signed-in one. */
  startSession(payload: AuthPayload): void;
  /** Ends the session on the hub (best effort) and here. */
  endSession(): Promise<void>;
  /** Asks the hub again after it was unavailable. */
  retry(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() must be used inside <SessionProvider>');
  return session;
}
