/**
 * The nodes of one view, kept live: `nodeChanged` (only the user's own for "mine") updates a
 * row in place, puts a node not listed yet first, and drops one that no longer matches the
 * status filter. The hub announces neither heartbeats (last heartbeat, load) nor jobs starting
 * and ending (running jobs), so the loaded rows are also re-read every REFRESH_MS.
 */
import { useEffect, useState } from 'react';
import { MY_NODES, NETWORK, NODE_CHANGED } from '../api/compute-operations';
import { subscribe } from '../api/graphql-client';
import type { GraphQLRequestError } from '../api/graphql-request-error';
import type { ComputeNode, NodeStatus } from '../api/types';
import { usePagedQuery, type PagedQuery } from '../api/use-paged-query';

export type NodesView = 'mine' | 'network';

const PAGE_SIZE = 25;
const REFRESH_MS = 20_000;

export function useLiveNodes(view: NodesView, status: NodeStatus | null): PagedQuery<ComputeNode> & { liveError: GraphQLRequestError | undefined } {
  const mine = view === 'mine';
  const list = usePagedQuery<ComputeNode>(mine ? MY_NODES : NETWORK, mine ? 'myNodes' : 'network', mine ? {} : { status }, PAGE_SIZE);
  const [liveError, setLiveError] = useState<GraphQLRequestError>();
  const { upsert, refresh } = list;

  useEffect(
    () =>
      subscribe(NODE_CHANGED, { mine }, {
        next: ({ nodeChanged: node }) => {
          setLiveError(undefined);
          upsert(node, status === null || node.status === status);
        },
        error: setLiveError,
      }),
    [mine, status, upsert],
  );

  useEffect(() => {
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  return { ...list, liveError };
}
