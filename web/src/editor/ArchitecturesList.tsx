/** The user's saved architectures, newest first, each a link that opens it in the editor. */
import { Link } from 'react-router';
import type { PagedQuery } from '../api/use-paged-query';
import { DataTable } from '../components/DataTable';
import { excerpt } from '../components/excerpt';
import { PagedListView } from '../components/ListView';
import { RelativeTime } from '../components/RelativeTime';
import { StatusBadge } from '../components/StatusBadge';
import { Tags } from '../components/Tags';
import { architecturePath } from './architecture-path';
import type { ArchitectureListItem } from './types';

export function ArchitecturesList({ list, current }: { list: PagedQuery<ArchitectureListItem>; /** `owner/name` of the one open */ current: string | undefined }) {
  return (
    <section className="card" aria-labelledby="architectures-heading">
      <div className="toolbar">
        <h2 id="architectures-heading">Your architectures</h2>
        <Link to="/editor" className="button secondary small" data-testid="new-architecture">
          New spec
        </Link>
      </div>
      <PagedListView list={list}>
        {(architectures) => (
          <DataTable
            rows={architectures}
            rowKey={(architecture) => architecture.id}
            rowAttributes={(architecture) => ({
              'data-testid': 'architecture-row',
              'data-name': `${architecture.owner}/${architecture.name}`,
              'aria-current': `${architecture.owner}/${architecture.name}` === current ? 'true' : undefined,
              className: `${architecture.owner}/${architecture.name}` === current ? 'selected' : undefined,
            })}
            caption="Your architectures"
            testId="architectures-table"
            empty="You have saved no architectures yet."
            emptyTestId="architectures-empty"
            columns={[
              {
                header: 'Architecture',
                cell: (architecture) => (
                  <>
                    <Link to={architecturePath(architecture.owner, architecture.name)} className="strong" data-testid="architecture-link">
                      {architecture.owner}/{architecture.name}
                    </Link>
                    {architecture.description && <span className="muted small block">{excerpt(architecture.description, 80)}</span>}
                  </>
                ),
              },
              { header: 'Layers', className: 'nowrap', cell: (architecture) => `${architecture.layerCount}, ${architecture.kind}` },
              { header: 'Params', className: 'number', cell: (architecture) => architecture.totalParams.toLocaleString() },
              { header: 'Tags', cell: (architecture) => <Tags tags={architecture.tags} /> },
              { header: 'Visibility', cell: (architecture) => <StatusBadge status={architecture.visibility} /> },
              { header: 'Updated', cell: (architecture) => <RelativeTime value={architecture.updatedAt} /> },
            ]}
          />
        )}
      </PagedListView>
    </section>
  );
}
