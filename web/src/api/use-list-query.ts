/**
 * A short list read in one request (`first: 100` in the query), such as the Account page's keys:
 * its items, less those hidden here (revoked a moment ago, before the reload answers).
 */
import { useCallback, useState } from 'react';
import type { Document } from './document';
import type { GraphQLRequestError } from './graphql-request-error';
import type { Connection } from './types';
import { useQuery } from './use-query';

export interface ListQuery<T> {
  items: T[];
  connection: Connection<T> | undefined;
  error: GraphQLRequestError | undefined;
  loading: boolean;
  reload(): void;
  /** Hides the item at once and reloads the list. */
  hide(id: string): void;
}

/** `field`: the query's root field; `refresh`: a counter the caller bumps to reload (see useQuery). */
export function useListQuery<T extends { id: string }>(
  query: Document<Record<string, Connection<T>>, Record<string, never>>,
  field: string,
  refresh = 0,
): ListQuery<T> {
  const { data, error, loading, reload } = useQuery(query, undefined, refresh);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const connection = data?.[field];
  const items = (connection?.edges.map((edge) => edge.node) ?? []).filter((item) => !hidden.has(item.id));
  const hide = useCallback(
    (id: string) => {
      setHidden((set) => new Set(set).add(id));
      reload();
    },
    [reload],
  );
  return { items, connection, error, loading, reload, hide };
}
