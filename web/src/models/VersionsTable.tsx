/** A model's versions, newest first: number (selects it), status, when published or uploaded, size; the selected one marked. */
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { formatBytes } from '../components/format';
import { StatusBadge } from '../components/StatusBadge';
import type { ModelVersion } from './types';

export interface VersionsTableProps {
  versions: ModelVersion[];
  selected: ModelVersion | undefined;
  aliases: { alias: string; number: number }[];
  onSelect(number: number): void;
  empty: string;
  /** Also the size and upload time (the Files tab) */
  detailed?: boolean;
}

export function VersionsTable({ versions, selected, aliases, onSelect, empty, detailed = false }: VersionsTableProps) {
  return (
    <DataTable
      rows={versions}
      rowKey={(version) => version.id}
      rowAttributes={(version) => ({
        'data-testid': 'version-row',
        'data-version': String(version.number),
        'data-status': version.status,
        'aria-current': version === selected ? 'true' : undefined,
        className: version === selected ? 'selected' : undefined,
      })}
      caption="Versions"
      testId="versions-table"
      empty={empty}
      emptyTestId="versions-empty"
      columns={[
        {
          header: 'Version',
          cell: (version) => (
            <>
              <button type="button" className="link-button" onClick={() => onSelect(version.number)} data-testid="version-link">
                v{version.number}
              </button>
              {aliases
                .filter((alias) => alias.number === version.number)
                .map((alias) => (
                  <code key={alias.alias} className="alias-chip">
                    {alias.alias}
                  </code>
                ))}
            </>
          ),
        },
        { header: 'Status', cell: (version) => <StatusBadge status={version.status} testId="version-status" /> },
        { header: detailed ? 'Published' : 'Date', cell: (version) => <DateTime value={version.publishedAt ?? (detailed ? null : version.createdAt)} empty={detailed ? 'not published' : '—'} /> },
        detailed && { header: 'Uploaded', cell: (version) => <DateTime value={version.createdAt} /> },
        detailed && { header: 'Size', className: 'number', cell: (version) => formatBytes(version.files.reduce((sum, file) => sum + file.size, 0)) },
      ]}
    />
  );
}
