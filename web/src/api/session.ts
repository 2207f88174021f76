/**
 * The signed-in session: the token from signUp/logIn, kept in localStorage so it survives a
 * reload and is shared by the tabs of this origin (in memory only if storage is disabled).
 * Everything that depends on it (the GraphQL client, the session provider) listens through
 * {@link onSessionChange}; other tabs' changes arrive through the `storage` event.
 */
const STORAGE_KEY = 'aimass.session';

export interface StoredSession {
  token: string;
  /** ISO time after which the hub no longer accepts the token */
  expiresAt: string;
}

type Listener = (session: StoredSession | null) => void;
const listeners = new Set<Listener>();

/** Used only when localStorage throws (disabled storage, some private modes). */
let inMemory: string | null = null;

function read(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return inMemory;
  }
}

function write(value: string | null): void {
  inMemory = value;
  try {
    if (value === null) localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, value);
  } catch {
    // kept in memory only
  }
}

/** The current session, or null when there is none or it has expired. */
export function getSession(): StoredSession | null {
  const raw = read();
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof parsed.token !== 'string' || typeof parsed.expiresAt !== 'string') return null;
    if (Date.parse(parsed.expiresAt) <= Date.now()) return null;
    return { token: parsed.token, expiresAt: parsed.expiresAt };
  } catch {
    return null;
  }
}

export function getToken(): string | null {
  return getSession()?.token ?? null;
}

export function saveSession(session: StoredSession): void {
  write(JSON.stringify({ token: session.token, expiresAt: session.expiresAt }));
  notify();
}

export function clearSession(): void {
  if (read() === null) return;
  write(null);
  notify();
}

/** Calls `listener` after every change of session, in this tab or another; returns an unsubscribe. */
export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function notify(): void {
  const session = getSession();
  for (const listener of [...listeners]) listener(session);
}

window.addEventListener('storage', (event) => {
  if (event.key === STORAGE_KEY || event.key === null) notify();
});
