/**
 * Loads a query when a component mounts and again whenever its variables change, `refresh`
 * changes (a counter the caller bumps, e.g. on a live event) or `reload()` is called. An
 * answer that arrives after a newer request was started is dropped. With `skip` nothing is asked
 * (for a query that only makes sense once another answer is in).
 */
import { useCallback, useEffect, useState } from 'react';
import type { Document } from './document';
import { request, type Variables } from './graphql-client';
import { GraphQLRequestError } from './graphql-request-error';

export interface QueryState<TData> {
  data: TData | undefined;
  error: GraphQLRequestError | undefined;
  loading: boolean;
  reload(): void;
}

export function useQuery<TData, TVariables extends Variables>(
  query: Document<TData, TVariables>,
  variables?: TVariables,
  refresh = 0,
  skip = false,
): QueryState<TData> {
  const [state, setState] = useState<{ data?: TData; error?: GraphQLRequestError; loading: boolean }>({ loading: !skip });
  const [nonce, setNonce] = useState(0);
  const variablesKey = JSON.stringify(variables ?? {});

  useEffect(() => {
    if (skip) return setState({ loading: false });
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    request(query, JSON.parse(variablesKey) as TVariables).then(
      (data) => {
        if (current) setState({ data, loading: false });
      },
      (error: unknown) => {
        // Keep showing the last good data beside the error.
        if (current) setState((s) => ({ data: s.data, error: GraphQLRequestError.from(error), loading: false }));
      },
    );
    return () => {
      current = false;
    };
  }, [query, variablesKey, refresh, nonce, skip]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
