/**
 * What an item's page (a dataset, a model) shows before the item itself: "Loading…", the error
 * that kept it from loading, or — when the hub says NOT_FOUND, as it does for a private item the
 * reader may not see — that there is no such item they can see.
 */
import type { GraphQLRequestError } from '../api/graphql-request-error';
import { ErrorMessage } from './ErrorMessage';

export interface ItemPlaceholderProps {
  error: GraphQLRequestError | undefined;
  /** "Dataset", "Model" */
  what: string;
  /** `owner/name` as asked */
  slug: string;
  notFoundTestId: string;
}

export function ItemPlaceholder({ error, what, slug, notFoundTestId }: ItemPlaceholderProps) {
  if (error?.code === 'NOT_FOUND') {
    return (
      <div data-testid={notFoundTestId}>
        <h1>{what} not found</h1>
        <p>
          There is no {what.toLowerCase()} <code>{slug}</code> that you can see.
        </p>
      </div>
    );
  }
  if (error) return <ErrorMessage error={error} />;
  return <p className="muted">Loading…</p>;
}
