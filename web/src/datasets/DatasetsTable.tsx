/** Datasets, one a row: owner/name (a link), description excerpt, license, tags, visibility, latest version, updated. */
import { Link } from 'react-router';
import type { DatasetListItem } from '../api/types';
import { DataTable } from '../components/DataTable';
import { excerpt } from '../components/excerpt';
import { formatNumber } from '../components/format';
import { RelativeTime } from '../components/RelativeTime';
import { StatusBadge } from '../components/StatusBadge';
import { Tags } from '../components/Tags';
import { datasetPath } from './dataset-path';

export function DatasetsTable({ datasets, empty }: { datasets: DatasetListItem[]; empty: string }) {
  return (
    <DataTable
      rows={datasets}
      rowKey={(dataset) => dataset.id}
      rowAttributes={(dataset) => ({ 'data-testid': 'dataset-row', 'data-name': `${dataset.owner}/${dataset.name}` })}
      caption="Datasets"
      testId="datasets-table"
      empty={empty}
      emptyTestId="datasets-empty"
      columns={[
        {
          header: 'Dataset',
          cell: (dataset) => (
            <>
              <Link to={datasetPath(dataset.owner, dataset.name)} className="strong" data-testid="dataset-link">
                {dataset.owner}/{dataset.name}
              </Link>
              {dataset.description && <span className="muted small block">{excerpt(dataset.description)}</span>}
            </>
          ),
        },
        { header: 'License', cell: (dataset) => dataset.license || <span className="muted">—</span> },
        { header: 'Tags', cell: (dataset) => <Tags tags={dataset.tags} /> },
        { header: 'Visibility', cell: (dataset) => <StatusBadge status={dataset.visibility} testId="dataset-visibility" /> },
        {
          header: 'Latest version',
          cell: (dataset) => {
            const latest = dataset.versions[0];
            return latest ? (
              <span className="nowrap" data-testid="dataset-latest">
                v{latest.number} · {formatNumber(latest.rowCount)} rows
              </span>
            ) : (
              <span className="muted">none yet</span>
            );
          },
        },
        { header: 'Updated', cell: (dataset) => <RelativeTime value={dataset.updatedAt} /> },
      ]}
    />
  );
}
