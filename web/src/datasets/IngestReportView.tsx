/**
 * What an upload cleaned (the ingest report): the file's format, encoding and size, then per
 * column its type, original header, NULL cells and cells that did not parse (stored as NULL, with
 * sample values), and the rows with the wrong number of cells.
 */
import type { IngestReport } from '../api/types';
import { DataTable } from '../components/DataTable';
import { formatBytes, formatNumber } from '../components/format';

type ColumnReport = IngestReport['columns'][number];

const DELIMITERS: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

export function IngestReportView({ report }: { report: IngestReport }) {
  const ragged = report.raggedRows;
  return (
    <div data-testid="ingest-report">
      <dl className="facts">
        <dt>File</dt>
        <dd>
          {report.format.toUpperCase()}
          {report.delimiter !== null && <>, {DELIMITERS[report.delimiter] ?? report.delimiter}-separated</>}, {report.encoding},{' '}
          {formatBytes(report.bytes)}
        </dd>
        <dt>Rows</dt>
        <dd data-testid="ingest-rows">
          {formatNumber(report.rows)} <span className="muted">(types inferred from the first {formatNumber(report.sampledRows)})</span>
        </dd>
        <dt>Null tokens</dt>
        <dd>
          <ul className="tags inline">
            {report.nullTokens.filter(Boolean).map((token) => (
              <li key={token}>
                <code>{token}</code>
              </li>
            ))}
            <li className="muted">and the empty cell</li>
          </ul>
        </dd>
        <dt>Ragged rows</dt>
        <dd data-testid="ingest-ragged">
          {ragged.count === 0 ? (
            'none'
          ) : (
            <>
              {formatNumber(ragged.count)} ({ragged.policy === 'pad' ? `${ragged.padded} padded with NULL, ${ragged.truncated} cut short` : 'rejected'})
              {ragged.lines.length > 0 && <span className="muted"> · lines {ragged.lines.join(', ')}{ragged.count > ragged.lines.length ? ', …' : ''}</span>}
            </>
          )}
        </dd>
        {report.ignoredKeys && report.ignoredKeys.length > 0 && (
          <>
            <dt>Ignored keys</dt>
            <dd>{report.ignoredKeys.join(', ')}</dd>
          </>
        )}
      </dl>
      <DataTable<ColumnReport>
        rows={report.columns}
        rowKey={(column) => column.name}
        rowAttributes={(column) => ({ 'data-testid': 'ingest-column', 'data-column': column.name })}
        caption="Columns as ingested"
        testId="ingest-columns"
        empty="No columns."
        columns={[
          { header: 'Column', cell: (column) => <code>{column.name}</code> },
          { header: 'Original header', cell: (column) => (column.originalName === column.name ? <span className="muted">same</span> : column.originalName) },
          { header: 'Type', cell: (column) => column.type },
          { header: 'Nulls', className: 'number', cell: (column) => formatNumber(column.nullCount) },
          {
            header: 'Unparsable',
            className: 'number',
            cell: (column) => <span data-testid="ingest-invalid" className={column.invalidCount > 0 ? 'strong' : undefined}>{formatNumber(column.invalidCount)}</span>,
          },
          {
            header: 'Sample bad values',
            cell: (column) =>
              column.invalidSamples.length === 0 ? (
                <span className="muted">—</span>
              ) : (
                <ul className="tags" data-testid="ingest-invalid-samples">
                  {column.invalidSamples.map((sample, i) => (
                    <li key={i}>
                      <code>{JSON.stringify(sample)}</code>
                    </li>
                  ))}
                </ul>
              ),
          },
        ]}
      />
    </div>
  );
}
