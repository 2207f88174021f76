/**
 * One action at a time on the rows of a table (revoke, drain, delete…): which one is running,
 * and the message of the last one that failed. `run` asks `confirm` first when given, and
 * resolves true when the action succeeded.
 */
import { useCallback, useState } from 'react';
import { GraphQLRequestError } from '../api/graphql-request-error';

export interface RowAction {
  /** The action running now: on which row (an id), and which one. */
  pending: { row: string; name: string } | null;
  error: string | null;
  run(row: string, name: string, action: () => Promise<unknown>, confirm?: string): Promise<boolean>;
}

export function useRowAction(): RowAction {
  const [pending, setPending] = useState<RowAction['pending']>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (row: string, name: string, action: () => Promise<unknown>, confirm?: string) => {
    if (confirm && !window.confirm(confirm)) return false;
    setPending({ row, name });
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(GraphQLRequestError.from(e).message);
      return false;
    } finally {
      setPending(null);
    }
  }, []);
  return { pending, error, run };
}
