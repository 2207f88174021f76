/**
 * A version's rows as a table: click a header to sort by it (ascending, descending, then file
 * order), type in the filter row under the headers to keep rows whose value contains the text
 * (applied after a short pause), and "Load more" for the next page.
 */
import { useEffect, useState } from 'react';
import type { DatasetColumn, RowFilter, SortDirection } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatNumber } from '../components/format';
import { useDatasetRows } from './use-dataset-rows';

const NUMERIC = new Set(['INTEGER', 'FLOAT']);
const FILTER_DELAY_MS = 300;

export function RowsPreview({ owner, name, number, columns }: { owner: string; name: string; number: number; columns: DatasetColumn[] }) {
  const [orderBy, setOrderBy] = useState<string | null>(null);
  const [direction, setDirection] = useState<SortDirection>('ASC');
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [filters, setFilters] = useState<RowFilter[]>([]);

  useEffect(() => {
    const timer = setTimeout(() => {
      setFilters(
        Object.entries(typed)
          .filter(([, value]) => value.trim() !== '')
          .map(([column, value]) => ({ column, op: 'CONTAINS', value: value.trim() })),
      );
    }, FILTER_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typed]);

  const data = useDatasetRows({ owner, name, number, orderBy, direction, filters });

  function sortBy(column: string) {
    if (orderBy !== column) {
      setOrderBy(column);
      setDirection('ASC');
    } else if (direction === 'ASC') {
      setDirection('DESC');
    } else {
      setOrderBy(null);
      setDirection('ASC');
    }
  }

  return (
    <div data-testid="rows-preview">
      <ErrorMessage error={data.error} testId="rows-error" />
      <div className="table-wrap">
        <table className="rows-table" data-testid="rows-table" aria-busy={data.loading}>
          <caption className="visually-hidden">Rows of version {number}</caption>
          <thead>
            <tr>
              {columns.map((column) => {
                const sorted = orderBy === column.name;
                return (
                  <th
                    key={column.name}
                    scope="col"
                    className={NUMERIC.has(column.type) ? 'number' : undefined}
                    aria-sort={sorted ? (direction === 'ASC' ? 'ascending' : 'descending') : 'none'}
                  >
                    <button type="button" className="sort-button" onClick={() => sortBy(column.name)} title={`${column.originalName} (${column.type.toLowerCase()})`} data-testid={`sort-${column.name}`}>
                      {column.name}
                      <span aria-hidden="true" className="sort-mark">
                        {sorted ? (direction === 'ASC' ? ' ▲' : ' ▼') : ''}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
            <tr className="filter-row">
              {columns.map((column) => (
                <td key={column.name}>
                  <input
                    type="search"
                    aria-label={`Filter ${column.name}`}
                    placeholder="contains…"
                    value={typed[column.name] ?? ''}
                    onChange={(event) => setTyped((current) => ({ ...current, [column.name]: event.target.value }))}
                    data-testid={`filter-${column.name}`}
                  />
                </td>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.rows.map((row, index) => (
              <tr key={index} data-testid="preview-row">
                {row.map((cell, i) => (
                  <td key={columns[i]?.name ?? i} className={NUMERIC.has(columns[i]?.type ?? '') ? 'number' : undefined}>
                    {cell === null ? <span className="null">null</span> : <span title={String(cell)}>{showCell(cell)}</span>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!data.loading && data.rows.length === 0 && !data.error && (
        <p className="muted" data-testid="rows-empty">
          {filters.length > 0 ? 'No rows match these filters.' : 'This version has no rows.'}
        </p>
      )}
      <div className="list-footer">
        <span className="muted small" data-testid="rows-count">
          {data.loading ? 'Loading…' : `Showing ${formatNumber(data.rows.length)} of ${formatNumber(data.totalCount)} rows`}
        </span>
        {data.hasNextPage && (
          <button type="button" className="button secondary small" onClick={data.loadMore} disabled={data.loadingMore} data-testid="rows-load-more">
            {data.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        )}
      </div>
    </div>
  );
}

/** Floats at 12 significant digits (2.3333333333333335 → 2.33333333333); the exact value is in the cell's title. */
function showCell(cell: unknown): string {
  return typeof cell === 'number' && !Number.isInteger(cell) ? String(Number(cell.toPrecision(12))) : String(cell);
}
