/** Benchmarks, one a row: owner/name (a link), description excerpt, task and metric, tags, hidden rows, deadline. */
import { Link } from 'react-router';
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { excerpt } from '../components/excerpt';
import { formatNumber, statusWord } from '../components/format';
import { StatusBadge } from '../components/StatusBadge';
import { Tags } from '../components/Tags';
import { benchmarkPath } from './benchmark-path';
import { METRIC_INFO, type BenchmarkListItem } from './types';

export function BenchmarksTable({ benchmarks, empty }: { benchmarks: BenchmarkListItem[]; empty: string }) {
  return (
    <DataTable
      rows={benchmarks}
      rowKey={(b) => b.id}
      rowAttributes={(b) => ({ 'data-testid': 'benchmark-row', 'data-name': `${b.owner}/${b.name}` })}
      caption="Benchmarks"
      testId="benchmarks-table"
      empty={empty}
      emptyTestId="benchmarks-empty"
      columns={[
        {
          header: 'Benchmark',
          cell: (b) => (
            <>
              <Link to={benchmarkPath(b.owner, b.name)} className="strong" data-testid="benchmark-link">
                {b.owner}/{b.name}
              </Link>
              {b.description && <span className="muted small block">{excerpt(b.description)}</span>}
            </>
          ),
        },
        {
          header: 'Task',
          cell: (b) => (
            <span className="nowrap">
              {statusWord(b.task)} · {METRIC_INFO[b.metric].label} {b.higherIsBetter ? '↑' : '↓'}
            </span>
          ),
        },
        { header: 'Tags', cell: (b) => <Tags tags={b.tags} /> },
        { header: 'Hidden rows', cell: (b) => formatNumber(b.testRowCount) },
        {
          header: 'Deadline',
          cell: (b) => (
            <span className="nowrap">
              <StatusBadge status={b.open ? 'OPEN' : 'CLOSED'} testId="benchmark-open" /> {b.deadline ? <DateTime value={b.deadline} /> : <span className="muted">standing</span>}
            </span>
          ),
        },
      ]}
    />
  );
}
