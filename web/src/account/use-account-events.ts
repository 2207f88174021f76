/**
 * Listens to `accountEvents` while the calling component is mounted. Calls `onEvent` for each
 * event and keeps the most recent ones (newest first) for display.
 */
import { useEffect, useRef, useState } from 'react';
import { ACCOUNT_EVENTS } from '../api/account-operations';
import { subscribe } from '../api/graphql-client';
import type { GraphQLRequestError } from '../api/graphql-request-error';
import type { AccountEvent } from '../api/types';

const KEEP = 8;

export function useAccountEvents(onEvent: (event: AccountEvent) => void): {
  events: AccountEvent[];
  error: GraphQLRequestError | undefined;
} {
  const [events, setEvents] = useState<AccountEvent[]>([]);
  const [error, setError] = useState<GraphQLRequestError>();
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  }, [onEvent]);

  useEffect(
    () =>
      subscribe(ACCOUNT_EVENTS, undefined, {
        next: ({ accountEvents: event }) => {
          setError(undefined);
          setEvents((list) => [event, ...list].slice(0, KEEP));
          handler.current(event);
        },
        error: setError,
      }),
    [],
  );

  return { events, error };
}
