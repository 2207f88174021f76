import type { SqlResult as ServiceResult } from './sql.service.js';
import type { SqlResult } from './sql.types.js';

/** The service's page as GraphQL and REST show it (internal table names left out). */
export function toSqlResult(result: ServiceResult, hasPreviousPage: boolean): SqlResult {
  return {
    statement: result.statement,
    columns: result.columns,
    rows: result.rows,
    totalCount: result.totalCount,
    pageInfo: { hasNextPage: result.hasNextPage, hasPreviousPage, startCursor: null, endCursor: result.endCursor },
    datasets: result.datasets.map((d) => ({ owner: d.owner, name: d.name, version: d.number })),
  };
}
