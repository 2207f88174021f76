/**
 * A connection read page by page ("Load more" follows `pageInfo.endCursor`) and kept current
 * in place: `upsert` applies a node that a live event or a mutation returned, `remove` drops
 * one, and `refresh` re-reads the rows already loaded (up to 100) for values no event announces.
 * Changing the variables starts again from the first page; answers to older requests are dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Document } from './document';
import { request, type Variables } from './graphql-client';
import { GraphQLRequestError } from './graphql-request-error';
import type { PagedConnection } from './types';

/** The most rows one request may ask for (the hub's limit for `first`). */
const MAX_FIRST = 100;

export interface PagedQuery<T> {
  items: T[];
  totalCount: number;
  hasNextPage: boolean;
  /** The first page has not arrived yet. */
  loading: boolean;
  loadingMore: boolean;
  error: GraphQLRequestError | undefined;
  loadMore(): void;
  refresh(): void;
  /**
   * Replaces the item with the same id in place; an item not in the list is put first. With
   * `belongs` false the item is removed instead (it no longer matches the list's filter).
   */
  upsert(item: T, belongs?: boolean): void;
  remove(id: string): void;
}

interface State<T> {
  items: T[];
  totalCount: number;
  endCursor: string | null;
  hasNextPage: boolean;
  loading: boolean;
  loadingMore: boolean;
  error?: GraphQLRequestError;
}

const START: State<never> = { items: [], totalCount: 0, endCursor: null, hasNextPage: false, loading: true, loadingMore: false };

/**
 * `field`: the query's root field (`jobs`, `myNodes`…); the query takes `$first` and `$after`
 * besides `variables`. `newer(a, b)`: whether `a` is a later version of the same item than
 * `b` (by updatedAt), so a slow answer does not undo a live update; by default the latest
 * answer wins.
 */
export function usePagedQuery<T extends { id: string }>(
  query: Document<Record<string, PagedConnection<T>>, Variables>,
  field: string,
  variables: Variables = {},
  pageSize = 20,
  newer?: (a: T, b: T) => boolean,
): PagedQuery<T> {
  const [state, setState] = useState<State<T>>(START);
  const variablesKey = JSON.stringify(variables);
  /** Bumped by every new first-page load; answers for an older generation are dropped. */
  const generation = useRef(0);
  const latest = useRef(state);
  useEffect(() => {
    latest.current = state;
  }, [state]);

  const fetchPage = useCallback(
    (first: number, after: string | null) =>
      request(query, { ...(JSON.parse(variablesKey) as Variables), first, after }).then(
        (data) => data[field],
      ),
    [query, field, variablesKey],
  );

  useEffect(() => {
    const mine = ++generation.current;
    setState(START);
    fetchPage(pageSize, null).then(
      (page) => {
        if (mine === generation.current) setState({ ...fromPage(page), loading: false, loadingMore: false });
      },
      (error: unknown) => {
        if (mine === generation.current) setState({ ...START, loading: false, error: GraphQLRequestError.from(error) });
      },
    );
  }, [fetchPage, pageSize]);

  const loadMore = useCallback(() => {
    const mine = generation.current;
    const { endCursor, loadingMore } = latest.current;
    if (loadingMore || !endCursor) return;
    setState((s) => ({ ...s, loadingMore: true, error: undefined }));
    fetchPage(pageSize, endCursor).then(
      (page) => {
        if (mine !== generation.current) return;
        setState((s) => ({
          ...s,
          // A row put first by a live event may come again in a later page: keep it once.
          items: [...s.items, ...page.edges.map((edge) => edge.node).filter((node) => !s.items.some((item) => item.id === node.id))],
          totalCount: page.totalCount,
          endCursor: page.pageInfo.endCursor,
          hasNextPage: page.pageInfo.hasNextPage,
          loadingMore: false,
        }));
      },
      (error: unknown) => {
        if (mine === generation.current) setState((s) => ({ ...s, loadingMore: false, error: GraphQLRequestError.from(error) }));
      },
    );
  }, [fetchPage, pageSize]);

  const refresh = useCallback(() => {
    const mine = generation.current;
    const { loading, loadingMore, items } = latest.current;
    if (loading || loadingMore) return;
    const first = Math.min(MAX_FIRST, Math.max(pageSize, items.length));
    fetchPage(first, null).then(
      (page) => {
        if (mine !== generation.current) return;
        setState((s) => {
          const fresh = page.edges.map((edge) => edge.node).map((node) => {
            const known = s.items.find((item) => item.id === node.id);
            return known && newer?.(known, node) ? known : node;
          });
          // Beyond what one request can re-read, keep the rows (and the cursor) already loaded.
          const beyond = s.items.length > first ? s.items.slice(first).filter((item) => !fresh.some((node) => node.id === item.id)) : [];
          return {
            ...s,
            items: [...fresh, ...beyond],
            totalCount: page.totalCount,
            ...(beyond.length === 0 ? { endCursor: page.pageInfo.endCursor, hasNextPage: page.pageInfo.hasNextPage } : {}),
            error: undefined,
          };
        });
      },
      () => {
        // A failed background refresh changes nothing; the next one may succeed.
      },
    );
  }, [fetchPage, pageSize, newer]);

  const upsert = useCallback(
    (item: T, belongs = true) =>
      setState((s) => {
        const index = s.items.findIndex((known) => known.id === item.id);
        if (index === -1) {
          return belongs ? { ...s, items: [item, ...s.items], totalCount: s.totalCount + 1 } : s;
        }
        if (!belongs) return { ...s, items: s.items.filter((known) => known.id !== item.id), totalCount: Math.max(0, s.totalCount - 1) };
        if (newer?.(s.items[index], item)) return s;
        const items = s.items.slice();
        items[index] = item;
        return { ...s, items };
      }),
    [newer],
  );

  const remove = useCallback((id: string) => upsert({ id } as T, false), [upsert]);

  return {
    items: state.items,
    totalCount: state.totalCount,
    hasNextPage: state.hasNextPage,
    loading: state.loading,
    loadingMore: state.loadingMore,
    error: state.error,
    loadMore,
    refresh,
    upsert,
    remove,
  };
}

function fromPage<T>(page: PagedConnection<T>): Omit<State<T>, 'loading' | 'loadingMore'> {
  return {
    items: page.edges.map((edge) => edge.node),
    totalCount: page.totalCount,
    endCursor: page.pageInfo.endCursor,
    hasNextPage: page.pageInfo.hasNextPage,
  };
}
