/**
 * Running the editor's query: `run` asks for the first page, `more` for the next one of the same
 * query (the text that was run, not what the editor holds now). An answer to an older run is
 * dropped. A refusal keeps where in the query it is, for the editor to mark.
 */
import { useCallback, useRef, useState } from 'react';
import { request } from '../api/graphql-client';
import { GraphQLRequestError } from '../api/graphql-request-error';
import { RUN_SQL } from './lab-operations';
import type { SqlProblem, SqlResult } from './types';

export const PAGE_SIZE = 100;

export interface SqlRun {
  /** The text of the query that produced `result` or `problem` */
  ran: string | undefined;
  result: SqlResult | undefined;
  problem: SqlProblem | undefined;
  running: boolean;
  loadingMore: boolean;
  moreError: string | undefined;
  run(query: string): void;
  more(): void;
}

export function useSqlRun(): SqlRun {
  const [state, setState] = useState<Omit<SqlRun, 'run' | 'more'>>({
    ran: undefined,
    result: undefined,
    problem: undefined,
    running: false,
    loadingMore: false,
    moreError: undefined,
  });
  const generation = useRef(0);
  const latest = useRef(state);
  latest.current = state;

  const run = useCallback((query: string) => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, running: true, moreError: undefined }));
    request(RUN_SQL, { query, first: PAGE_SIZE }).then(
      ({ runSql }) => {
        if (mine === generation.current) {
          setState({ ran: query, result: runSql, problem: undefined, running: false, loadingMore: false, moreError: undefined });
        }
      },
      (error: unknown) => {
        if (mine === generation.current) {
          setState({ ran: query, result: undefined, problem: problemOf(error), running: false, loadingMore: false, moreError: undefined });
        }
      },
    );
  }, []);

  const more = useCallback(() => {
    const { ran, result, loadingMore } = latest.current;
    if (ran === undefined || !result?.pageInfo.hasNextPage || loadingMore) return;
    const mine = generation.current;
    setState((s) => ({ ...s, loadingMore: true, moreError: undefined }));
    request(RUN_SQL, { query: ran, first: PAGE_SIZE, after: result.pageInfo.endCursor }).then(
      ({ runSql }) => {
        if (mine !== generation.current) return;
        setState((s) => ({
          ...s,
          loadingMore: false,
          result: s.result && { ...runSql, rows: [...s.result.rows, ...runSql.rows] },
        }));
      },
      (error: unknown) => {
        if (mine === generation.current) setState((s) => ({ ...s, loadingMore: false, moreError: GraphQLRequestError.from(error).message }));
      },
    );
  }, []);

  return { ...state, run, more };
}

function problemOf(error: unknown): SqlProblem {
  const failure = GraphQLRequestError.from(error);
  const field = failure.fields.find((f) => f.field === 'query' && f.line !== undefined) ?? failure.fields[0];
  const located = field?.line !== undefined && field.column !== undefined;
  const message = field?.message ?? failure.message;
  return {
    code: failure.code,
    // The place is shown apart (and marked in the editor), so the message need not repeat it.
    message: located ? message.replace(/^line \d+, column \d+: /, '') : message,
    ...(located ? { line: field.line, column: field.column } : {}),
  };
}
