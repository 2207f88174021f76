/**
 * A page of an ML.PREDICT / ML.EVALUATE job's result as runSql shapes it, for GraphQL
 * `sqlJobResult` and REST `GET /api/sql/jobs/:id`. Cursors hold the job and the next row's offset.
 */
import type { Principal } from '../accounts/index.js';
import { badInput } from '../errors.js';
import type { SqlResult } from '../sql/index.js';
import type { MlService } from './ml.service.js';

const MAX_PAGE = 1000;

function encodeCursor(jobId: string, offset: number): string {
  return Buffer.from(`ml:${jobId}:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string, jobId: string): number {
  const match = /^ml:([0-9a-f-]{36}):(\d{1,12})$/i.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || match[1].toLowerCase() !== jobId.toLowerCase()) throw badInput('after', 'is not a cursor of this job');
  return Number(match[2]);
}

export async function jobResultPage(ml: MlService, principal: Principal, jobId: string, first: number | null, after: string | null): Promise<SqlResult> {
  const size = first ?? 100;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw badInput('first', `must be between 1 and ${MAX_PAGE}`);
  const offset = after ? decodeCursor(after, jobId) : 0;
  const page = await ml.jobResult(principal, jobId, { offset, first: size });
  const end = offset + page.rows.length;
  const hasNextPage = end < page.totalCount;
  return {
    statement: page.statement,
    columns: page.columns,
    rows: page.rows,
    totalCount: page.totalCount,
    pageInfo: { hasNextPage, hasPreviousPage: offset > 0, startCursor: null, endCursor: hasNextPage ? encodeCursor(jobId, end) : null },
    datasets: page.datasets,
  };
}
