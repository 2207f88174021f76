/**
 * A version's rows, page by page ("Load more" follows the keyset cursor), for an order and a set
 * of filters; changing either starts again from the first page and drops answers to older requests.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { DATASET_ROWS } from '../api/dataset-operations';
import { request } from '../api/graphql-client';
import { GraphQLRequestError } from '../api/graphql-request-error';
import type { RowFilter, SortDirection } from '../api/types';

export interface RowsQuery {
  owner: string;
  name: string;
  number: number;
  orderBy: string | null;
  direction: SortDirection;
  filters: RowFilter[];
}

export interface DatasetRows {
  rows: unknown[][];
  totalCount: number;
  hasNextPage: boolean;
  loading: boolean;
  loadingMore: boolean;
  error: GraphQLRequestError | undefined;
  loadMore(): void;
}

interface State {
  rows: unknown[][];
  totalCount: number;
  endCursor: string | null;
  hasNextPage: boolean;
  loading: boolean;
  loadingMore: boolean;
  error?: GraphQLRequestError;
}

const START: State = { rows: [], totalCount: 0, endCursor: null, hasNextPage: false, loading: true, loadingMore: false };

export function useDatasetRows(query: RowsQuery, pageSize = 20): DatasetRows {
  const [state, setState] = useState<State>(START);
  const key = JSON.stringify(query);
  const generation = useRef(0);
  const latest = useRef(state);
  useEffect(() => {
    latest.current = state;
  }, [state]);

  const fetchPage = useCallback(
    async (after: string | null) => {
      const { owner, name, number, orderBy, direction, filters } = JSON.parse(key) as RowsQuery;
      const variables = { owner, name, number, first: pageSize, after, orderBy, direction: orderBy ? direction : null, filters };
      const data = await request(DATASET_ROWS, variables);
      return data.datasetVersion.rows;
    },
    [key, pageSize],
  );

  useEffect(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    fetchPage(null).then(
      (page) => {
        if (mine !== generation.current) return;
        setState({ rows: page.rows, totalCount: page.totalCount, endCursor: page.pageInfo.endCursor, hasNextPage: page.pageInfo.hasNextPage, loading: false, loadingMore: false });
      },
      (error: unknown) => {
        if (mine === generation.current) setState({ ...START, loading: false, error: GraphQLRequestError.from(error) });
      },
    );
  }, [fetchPage]);

  const loadMore = useCallback(() => {
    const mine = generation.current;
    const { endCursor, loadingMore } = latest.current;
    if (loadingMore || !endCursor) return;
    setState((s) => ({ ...s, loadingMore: true, error: undefined }));
    fetchPage(endCursor).then(
      (page) => {
        if (mine !== generation.current) return;
        setState((s) => ({
          ...s,
          rows: [...s.rows, ...page.rows],
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
  }, [fetchPage]);

  return { ...state, error: state.error, loadMore };
}
