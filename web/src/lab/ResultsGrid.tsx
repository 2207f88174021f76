/** A query's rows as a grid: each column with its PostgreSQL type, "Load more" for the next page. */
import { formatNumber } from '../components/format';
import { ErrorMessage } from '../components/ErrorMessage';
import { isNumericType } from './sql-types';
import type { SqlResult } from './types';

export interface ResultsGridProps {
  result: SqlResult;
  loadingMore: boolean;
  moreError: string | undefined;
  onMore(): void;
}

export function ResultsGrid({ result, loadingMore, moreError, onMore }: ResultsGridProps) {
  const { columns, rows, totalCount } = result;
  return (
    <div data-testid="lab-results">
      <div className="table-wrap lab-grid">
        <table className="rows-table" data-testid="lab-grid">
          <caption className="visually-hidden">Query results</caption>
          <thead>
            <tr>
              {columns.map((column, i) => (
                <th key={i} scope="col" className={isNumericType(column.type) ? 'number' : undefined} data-testid="lab-column">
                  <span className="lab-column-name">{column.name}</span>
                  <span className="lab-column-type muted small">{column.type}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={index} data-testid="lab-row">
                {columns.map((column, i) => (
                  <td key={i} className={isNumericType(column.type) ? 'number' : undefined}>
                    <Cell value={row[i]} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 && (
        <p className="muted" data-testid="lab-no-rows">
          The query returned no rows.
        </p>
      )}
      <ErrorMessage error={moreError} testId="lab-more-error" />
      <div className="list-footer">
        <span className="muted small" data-testid="lab-row-count">
          Showing {formatNumber(rows.length)} of {formatNumber(totalCount)} {totalCount === 1 ? 'row' : 'rows'}
        </span>
        {result.pageInfo.hasNextPage && (
          <button type="button" className="button secondary small" onClick={onMore} disabled={loadingMore} data-testid="lab-more">
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        )}
      </div>
    </div>
  );
}

function Cell({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="null">null</span>;
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // Floats at 12 significant digits; the exact value is in the title.
  const shown = typeof value === 'number' && !Number.isInteger(value) ? String(Number(value.toPrecision(12))) : text;
  return <span title={text}>{shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}</span>;
}
