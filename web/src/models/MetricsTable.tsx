/** A version's metrics ({ name: number }) as a two-column table; values that are no numbers shown as JSON. */
import { DataTable } from '../components/DataTable';
import { formatNumber } from '../components/format';

export function MetricsTable({ metrics }: { metrics: Record<string, unknown> | null }) {
  const rows = Object.entries(metrics ?? {});
  return (
    <DataTable
      rows={rows}
      rowKey={([name]) => name}
      rowAttributes={([name]) => ({ 'data-testid': 'metric-row', 'data-metric': name })}
      caption="Metrics"
      testId="metrics-table"
      empty="No metrics stated."
      emptyTestId="metrics-empty"
      columns={[
        { header: 'Metric', cell: ([name]) => name },
        { header: 'Value', className: 'number', cell: ([, value]) => (typeof value === 'number' ? <span title={String(value)}>{formatNumber(value)}</span> : JSON.stringify(value)) },
      ]}
    />
  );
}
