/**
 * One dataset: its header (owner/name, visibility, license, tags, stars), its description rendered
 * as markdown, its versions, the selected version (`?version=N`, the latest by default) in full
 * (rows, profile, ANOVA, CSV export), and for writers its sharing (collaborators, and for admins
 * access requests). Visitors without an account read public datasets here too. A dataset the user
 * may not see is "not found", as the hub says (private ones are NOT_FOUND), with a form to ask
 * for access.
 */
import { Link, useParams, useSearchParams } from 'react-router';
import { request } from '../api/graphql-client';
import { DATASET, REQUEST_DATASET_ACCESS, STAR_DATASET } from '../api/dataset-operations';
import type { DatasetWithVersions } from '../api/types';
import { useQuery } from '../api/use-query';
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { formatNumber } from '../components/format';
import { ItemPlaceholder } from '../components/ItemPlaceholder';
import { Markdown } from '../components/Markdown';
import { StatusBadge } from '../components/StatusBadge';
import { usePageTitle } from '../components/use-page-title';
import { datasetPath } from '../datasets/dataset-path';
import { Tags } from '../components/Tags';
import { DatasetSharing } from '../datasets/DatasetSharing';
import { VersionView } from '../datasets/VersionView';
import { RequestAccessForm } from '../sharing/RequestAccessForm';
import { StarToggle } from '../sharing/StarToggle';

export function DatasetPage() {
  const { owner = '', name = '' } = useParams();
  usePageTitle(`${owner}/${name}`);
  const { data, error } = useQuery(DATASET, { owner, name });
  const dataset = data?.dataset;

  if (!dataset) {
    return (
      <div className="page">
        <p>
          <Link to="/datasets">← All datasets</Link>
        </p>
        <ItemPlaceholder error={error} what="Dataset" slug={`${owner}/${name}`} notFoundTestId="dataset-not-found" />
        {error?.code === 'NOT_FOUND' && <RequestAccessForm what="dataset" request={(message) => request(REQUEST_DATASET_ACCESS, { owner, name, message })} />}
      </div>
    );
  }
  return <DatasetDetails dataset={dataset} />;
}

function DatasetDetails({ dataset }: { dataset: DatasetWithVersions }) {
  const [params, setParams] = useSearchParams();
  const canWrite = dataset.viewerPermission === 'WRITE' || dataset.viewerPermission === 'ADMIN';
  const canAdmin = dataset.viewerPermission === 'ADMIN';
  const asked = Number(params.get('version'));
  const selected = dataset.versions.find((version) => version.number === asked) ?? dataset.versions[0];
  return (
    <div className="page">
      <p>
        <Link to="/datasets">← All datasets</Link>
      </p>
      <div className="page-heading dataset-heading">
        <div>
          <h1 data-testid="dataset-title">
            <span className="muted">{dataset.owner}/</span>
            {dataset.name} <StatusBadge status={dataset.visibility} testId="dataset-visibility" />
          </h1>
          <p className="muted">
            {dataset.license ? <>License: {dataset.license}</> : 'No license given'} · updated <DateTime value={dataset.updatedAt} />
          </p>
          <Tags tags={dataset.tags} testId="dataset-tags" />
        </div>
        <div className="item-buttons">
          <StarToggle
            key={`${dataset.stars}/${dataset.viewerHasStarred}`}
            stars={dataset.stars}
            starred={dataset.viewerHasStarred}
            what="this dataset"
            setStarred={async (starred) => {
              const { starDataset } = await request(STAR_DATASET, { owner: dataset.owner, name: dataset.name, starred });
              return { stars: starDataset.stars, starred: starDataset.viewerHasStarred };
            }}
          />
          {canWrite && (
            <Link to={datasetPath(dataset.owner, dataset.name, '/upload')} className="button" data-testid="upload-link">
              Upload a version
            </Link>
          )}
        </div>
      </div>

      <div className="page-grid">
        <section className="card" aria-label="Description">
          <Markdown text={dataset.description} testId="dataset-description" />
        </section>
        <aside className="card" aria-labelledby="versions-heading">
          <h2 id="versions-heading">Versions</h2>
          <DataTable
            rows={dataset.versions}
            rowKey={(version) => version.id}
            rowAttributes={(version) => ({
              'data-testid': 'version-row',
              'data-version': String(version.number),
              'aria-current': version === selected ? 'true' : undefined,
              className: version === selected ? 'selected' : undefined,
            })}
            caption="Versions"
            testId="versions-table"
            empty={canWrite ? 'No versions yet: upload the first.' : 'No versions yet.'}
            emptyTestId="versions-empty"
            columns={[
              {
                header: 'Version',
                cell: (version) => (
                  <button type="button" className="link-button" onClick={() => setParams({ version: String(version.number) })} data-testid="version-link">
                    v{version.number}
                  </button>
                ),
              },
              { header: 'Rows', className: 'number', cell: (version) => formatNumber(version.rowCount) },
              { header: 'Uploaded', cell: (version) => <DateTime value={version.createdAt} /> },
            ]}
          />
        </aside>
      </div>

      {selected && <VersionView key={selected.id} owner={dataset.owner} name={dataset.name} number={selected.number} visibility={dataset.visibility} />}

      {canWrite && <DatasetSharing owner={dataset.owner} name={dataset.name} canAdmin={canAdmin} />}
    </div>
  );
}
