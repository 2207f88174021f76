/**
 * What every list shows around its rows: the error that kept it from loading, "Loading…" before
 * the first answer, and how much of it is shown (a note for a one-request list, a "Load more"
 * button for a paged one).
 */
import type { ReactNode } from 'react';
import type { ListQuery } from '../api/use-list-query';
import type { PagedQuery } from '../api/use-paged-query';
import { ErrorMessage } from './ErrorMessage';

export function ListView<T>({ list, children }: { list: ListQuery<T>; children(items: T[]): ReactNode }) {
  const { connection } = list;
  return (
    <>
      <ErrorMessage error={list.error} />
      {connection ? (
        <>
          {children(list.items)}
          {connection.totalCount > connection.edges.length && (
            <p className="muted">
              Showing the newest {connection.edges.length} of {connection.totalCount}.
            </p>
          )}
        </>
      ) : (
        list.loading && <p className="muted">Loading…</p>
      )}
    </>
  );
}

export function PagedListView<T>({ list, children }: { list: PagedQuery<T>; children(items: T[]): ReactNode }) {
  return (
    <>
      <ErrorMessage error={list.error} />
      {list.loading ? <p className="muted">Loading…</p> : children(list.items)}
      {!list.loading && list.items.length > 0 && (
        <div className="list-footer">
          <span className="muted small" data-testid="list-count">
            Showing {list.items.length} of {Math.max(list.totalCount, list.items.length)}
          </span>
          {list.hasNextPage && (
            <button type="button" className="button secondary small" onClick={list.loadMore} disabled={list.loadingMore} data-testid="load-more">
              {list.loadingMore ? 'Loading…' : 'Load more'}
            </button>
          )}
        </div>
      )}
    </>
  );
}
