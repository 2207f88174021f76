/**
 * A version's profile as charts (recharts, SVG): summary figures per column in a table, the
 * missing rate of every column, a histogram per numeric column, the most frequent values of
 * each categorical, text or boolean column, and the Pearson correlation of the numeric columns
 * as a heatmap (a CSS grid of coloured cells: recharts has no heatmap).
 */
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ColumnProfile, DatasetProfile } from '../api/types';
import { DataTable } from '../components/DataTable';
import { formatNumber } from '../components/format';

const ACCENT = '#2f5bd3';
const MISSING = '#b42318';
const NUMERIC = new Set(['integer', 'float']);

export function ProfileCharts({ profile }: { profile: DatasetProfile }) {
  const numeric = profile.columns.filter((column) => NUMERIC.has(column.type) && column.histogram && column.histogram.length > 0);
  const categorical = profile.columns.filter((column) => column.topValues && column.topValues.length > 0);
  return (
    <div className="profile" data-testid="profile">
      <p>
        <span data-testid="profile-rows">{formatNumber(profile.rowCount)} rows</span>,{' '}
        <span data-testid="profile-duplicates">{formatNumber(profile.duplicateRows)} duplicate rows</span> (equal in every column to an earlier row).
      </p>
      <SummaryTable columns={profile.columns} />

      <h3>Missing values</h3>
      <MissingRateChart columns={profile.columns} />

      {numeric.length > 0 && (
        <>
          <h3>Distributions</h3>
          <div className="chart-grid">
            {numeric.map((column) => (
              <Histogram key={column.name} column={column} />
            ))}
          </div>
        </>
      )}

      {categorical.length > 0 && (
        <>
          <h3>Most frequent values</h3>
          <div className="chart-grid">
            {categorical.map((column) => (
              <TopValues key={column.name} column={column} />
            ))}
          </div>
        </>
      )}

      <h3>Correlation</h3>
      <CorrelationHeatmap correlation={profile.correlation} />
    </div>
  );
}

function figure(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'number' ? formatNumber(value) : value;
}

function SummaryTable({ columns }: { columns: ColumnProfile[] }) {
  return (
    <DataTable
      rows={columns}
      rowKey={(column) => column.name}
      rowAttributes={(column) => ({ 'data-testid': 'profile-column', 'data-column': column.name })}
      caption="Summary per column"
      testId="profile-summary"
      empty="No columns."
      columns={[
        { header: 'Column', cell: (column) => <code>{column.name}</code> },
        { header: 'Type', cell: (column) => column.type },
        { header: 'Missing', className: 'number', cell: (column) => `${formatNumber(column.missing)} (${formatNumber(column.missingRate * 100)} %)` },
        { header: 'Distinct', className: 'number', cell: (column) => formatNumber(column.distinct) },
        { header: 'Min', className: 'number', cell: (column) => figure(column.min) },
        { header: 'Max', className: 'number', cell: (column) => figure(column.max) },
        { header: 'Mean', className: 'number', cell: (column) => figure(column.mean) },
        { header: 'Median', className: 'number', cell: (column) => figure(column.median) },
        { header: 'Std dev', className: 'number', cell: (column) => figure(column.stddev) },
        { header: 'Variance', className: 'number', cell: (column) => figure(column.variance) },
        {
          header: 'Quartiles',
          className: 'number nowrap',
          cell: (column) => (column.quantiles ? `${figure(column.quantiles.p25)} · ${figure(column.quantiles.p50)} · ${figure(column.quantiles.p75)}` : '—'),
        },
      ]}
    />
  );
}

function MissingRateChart({ columns }: { columns: ColumnProfile[] }) {
  const data = columns.map((column) => ({ name: column.name, percent: column.missingRate * 100, missing: column.missing }));
  return (
    <div className="chart" data-testid="missing-chart" role="img" aria-label="Missing rate per column, in percent">
      <ResponsiveContainer width="100%" height={Math.max(160, 28 * columns.length + 40)}>
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 24, top: 8, bottom: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" domain={[0, 100]} unit=" %" />
          <YAxis type="category" dataKey="name" width={140} />
          <Tooltip formatter={(value) => [`${formatNumber(Number(value))} %`, 'missing']} />
          <Bar dataKey="percent" fill={MISSING} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function Histogram({ column }: { column: ColumnProfile }) {
  const data = (column.histogram ?? []).map((bin) => ({ range: `${formatNumber(bin.lower)}–${formatNumber(bin.upper)}`, count: bin.count }));
  return (
    <figure className="chart" data-testid="histogram" data-column={column.name}>
      <figcaption>
        <code>{column.name}</code> <span className="muted small">mean {figure(column.mean)}, median {figure(column.median)}</span>
      </figcaption>
      <ResponsiveContainer width="100%" height={200}>
        <BarChart data={data} margin={{ left: 0, right: 8, top: 8, bottom: 8 }} barCategoryGap={1}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="range" tick={{ fontSize: 10 }} interval="preserveStartEnd" />
          <YAxis allowDecimals={false} width={40} />
          <Tooltip />
          <Bar dataKey="count" fill={ACCENT} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

function TopValues({ column }: { column: ColumnProfile }) {
  const data = (column.topValues ?? []).map((top) => ({ value: String(top.value), count: top.count }));
  return (
    <figure className="chart" data-testid="top-values" data-column={column.name}>
      <figcaption>
        <code>{column.name}</code> <span className="muted small">{formatNumber(column.distinct)} distinct</span>
      </figcaption>
      <ResponsiveContainer width="100%" height={Math.max(120, 26 * data.length + 40)}>
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16, top: 8, bottom: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" allowDecimals={false} />
          <YAxis type="category" dataKey="value" width={110} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Bar dataKey="count" fill={ACCENT} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** Blue for positive, red for negative correlation, stronger the closer to ±1; grey where undefined. */
function cellColour(r: number | null): string {
  if (r === null) return '#eef0f3';
  const alpha = Math.min(1, Math.abs(r));
  return r >= 0 ? `rgba(47, 91, 211, ${alpha})` : `rgba(180, 35, 24, ${alpha})`;
}

function CorrelationHeatmap({ correlation }: { correlation: DatasetProfile['correlation'] }) {
  const { columns, matrix } = correlation;
  if (columns.length < 2) {
    return (
      <p className="muted" data-testid="correlation-heatmap">
        Correlation needs at least two numeric columns.
      </p>
    );
  }
  return (
    <div className="heatmap-wrap">
      <div
        className="heatmap"
        role="table"
        aria-label="Pearson correlation between numeric columns"
        data-testid="correlation-heatmap"
        style={{ gridTemplateColumns: `max-content repeat(${columns.length}, minmax(3rem, 4.5rem))` }}
      >
        <div role="row" className="heatmap-row">
          <span role="columnheader" />
          {columns.map((name) => (
            <span key={name} role="columnheader" className="heatmap-label top">
              {name}
            </span>
          ))}
        </div>
        {columns.map((rowName, i) => (
          <div role="row" className="heatmap-row" key={rowName}>
            <span role="rowheader" className="heatmap-label">
              {rowName}
            </span>
            {columns.map((columnName, j) => {
              const r = matrix[i]?.[j] ?? null;
              return (
                <span
                  key={columnName}
                  role="cell"
                  className={`heatmap-cell${r !== null && Math.abs(r) > 0.5 ? ' strong-cell' : ''}`}
                  style={{ background: cellColour(r) }}
                  title={`${rowName} × ${columnName}: ${r === null ? 'undefined' : r.toFixed(3)}`}
                  data-testid="heatmap-cell"
                >
                  {r === null ? '—' : r.toFixed(2)}
                </span>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
