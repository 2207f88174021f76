/** What the training tests share (test/training*.test.ts): running SQL as a user, and CREATE MODEL answered with its job. */
import { expect } from 'vitest';
import type { TestHub } from './hub.js';

/** runSql with its page and columns; the GraphQL answer as it came. */
export function runSql(hub: TestHub, token: string, query: string, first?: number, after?: string) {
  return hub.graphql(
    `mutation($query: String!, $first: Int, $after: String) { runSql(query: $query, first: $first, after: $after) { statement columns { name type } rows totalCount pageInfo { hasNextPage endCursor } } }`,
    { query, first, after },
    token,
  );
}

/** CREATE MODEL, answered with the job; fails the test on an error. */
export async function createModel(hub: TestHub, token: string, statement: string): Promise<{ jobId: string; row: unknown[] }> {
  const res = await runSql(hub, token, statement);
  expect(res.errors).toBeUndefined();
  const { columns, rows } = res.data.runSql;
  expect(columns.map((c: { name: string }) => c.name)).toEqual(['job_id', 'status', 'model', 'label', 'features', 'rows', 'placement']);
  return { jobId: rows[0][0], row: rows[0] };
}
