/**
 * One-way ANOVA on a dataset version: the user picks a column to group rows by (categorical,
 * text, boolean, integer or date), and the hub answers, for every numeric column, whether its
 * mean differs between the groups: F, its p-value, degrees of freedom and each group's mean.
 */
import { useState } from 'react';
import { DATASET_ANOVA } from '../api/dataset-operations';
import type { DatasetColumn } from '../api/types';
import { useQuery } from '../api/use-query';
import { DataTable } from '../components/DataTable';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatNumber } from '../components/format';

const GROUPABLE = new Set(['CATEGORICAL', 'TEXT', 'BOOLEAN', 'INTEGER', 'DATE']);
const NUMERIC = new Set(['INTEGER', 'FLOAT']);
/** Group means shown per column; the rest are counted. */
const SHOWN_GROUPS = 8;

export function AnovaView({ owner, name, number, columns }: { owner: string; name: string; number: number; columns: DatasetColumn[] }) {
  const groupable = columns.filter((column) => GROUPABLE.has(column.type));
  // Text-like columns group best; an integer column is offered too, but not first.
  const first = groupable.find((column) => !NUMERIC.has(column.type)) ?? groupable[0];
  const [groupBy, setGroupBy] = useState(first?.name ?? '');
  const { data, error, loading } = useQuery(DATASET_ANOVA, { owner, name, number, groupBy }, 0, groupBy === '');

  if (!first) return <p className="muted">No column here can group rows (categorical, text, boolean, integer or date).</p>;
  if (!columns.some((column) => NUMERIC.has(column.type))) return <p className="muted">This version has no numeric column to compare between groups.</p>;
  const results = data?.datasetVersion.anova;
  return (
    <div data-testid="anova">
      <label className="filter">
        <span>Group rows by</span>
        <select value={groupBy} onChange={(event) => setGroupBy(event.target.value)} data-testid="anova-group-by">
          {groupable.map((column) => (
            <option key={column.name} value={column.name}>
              {column.originalName}
            </option>
          ))}
        </select>
      </label>
      <ErrorMessage error={error} testId="anova-error" />
      {loading && !results && <p className="muted">Computing…</p>}
      {results && (
        <DataTable
          rows={results}
          rowKey={(row) => row.column}
          rowAttributes={(row) => ({ 'data-testid': 'anova-row', 'data-column': row.column })}
          caption={`One-way ANOVA of each numeric column by ${groupBy}`}
          testId="anova-table"
          empty="No numeric column besides the grouping one."
          emptyTestId="anova-empty"
          columns={[
            { header: 'Column', cell: (row) => row.column },
            { header: 'Groups', className: 'number', cell: (row) => formatNumber(row.groups) },
            { header: 'Rows', className: 'number', cell: (row) => formatNumber(row.n) },
            { header: 'F', className: 'number', cell: (row) => (row.f === null ? '—' : row.f.toPrecision(4)) },
            {
              header: 'p-value',
              className: 'number',
              cell: (row) => (
                <span data-testid="anova-p" className={row.pValue !== null && row.pValue < 0.05 ? 'significant' : undefined}>
                  {formatP(row.pValue)}
                </span>
              ),
            },
            { header: 'df', className: 'number', cell: (row) => `${row.dfBetween}, ${row.dfWithin}` },
            {
              header: 'Group means',
              cell: (row) => (
                <span className="small">
                  {row.groupStats
                    .slice(0, SHOWN_GROUPS)
                    .map((group) => `${group.group}: ${formatMean(group.mean)} (n=${group.n})`)
                    .join(' · ')}
                  {row.groupStats.length > SHOWN_GROUPS && <span className="muted"> · and {row.groupStats.length - SHOWN_GROUPS} more</span>}
                </span>
              ),
            },
          ]}
        />
      )}
      <p className="muted small">A p-value below 0.05 says the column’s mean differs between the groups more than chance would explain.</p>
    </div>
  );
}

function formatP(p: number | null): string {
  if (p === null) return '—';
  if (p < 0.0001) return '< 0.0001';
  return p.toPrecision(3);
}

function formatMean(mean: number): string {
  return mean.toLocaleString(undefined, { maximumFractionDigits: 3 });
}
