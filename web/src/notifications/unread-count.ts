/**
 * The signed-in user's unread notification count, shared by the header's badge and the inbox. It
 * is read when the first reader mounts, and read again whenever a notification arrives
 * (`notificationAdded`) or the inbox marks some read ({@link refreshUnreadCount}): asking the hub
 * each time, rather than counting here, keeps the badge right whatever another tab did.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { request, subscribe } from '../api/graphql-client';
import { NOTIFICATION_ADDED_ID, UNREAD_NOTIFICATION_COUNT } from './notification-operations';

let count: number | undefined;
const listeners = new Set<() => void>();
/** Mounted readers; the live subscription runs while there is one. */
let readers = 0;
let stopLive: (() => void) | undefined;
/** Bumped by every read of the count: an answer to an older read is dropped. */
let generation = 0;

function setCount(next: number | undefined): void {
  if (next === count) return;
  count = next;
  for (const listener of [...listeners]) listener();
}

/** Asks the hub for the count again (after marking read, for instance); nothing when nobody shows it. */
export function refreshUnreadCount(): void {
  if (readers === 0) return;
  const mine = ++generation;
  request(UNREAD_NOTIFICATION_COUNT).then(
    (data) => {
      if (mine === generation) setCount(data.unreadNotificationCount);
    },
    () => {
      // Keep the last count; the next arrival or refresh asks again.
    },
  );
}

function addReader(): () => void {
  readers += 1;
  if (readers === 1) {
    stopLive = subscribe(NOTIFICATION_ADDED_ID, undefined, { next: refreshUnreadCount, error: () => {} });
    refreshUnreadCount();
  }
  return () => {
    readers -= 1;
    if (readers > 0) return;
    stopLive?.();
    stopLive = undefined;
    generation += 1;
    setCount(undefined);
  };
}

function onChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/**
 * The unread count of `userId` (the signed-in user), kept live; undefined until it is known or
 * when nobody is signed in. A new user starts again from the hub's count.
 */
export function useUnreadCount(userId: string | undefined): number | undefined {
  useEffect(() => (userId ? addReader() : undefined), [userId]);
  return useSyncExternalStore(onChange, () => count);
}
