/**
 * One version of a dataset: its columns as ingested (the report), the CSV export, a link to make a
 * benchmark from it, a preview of its rows, its profile as charts, and ANOVA of its numeric columns
 * by a grouping column.
 */
import { lazy, Suspense } from 'react';
import { Link } from 'react-router';
import { DATASET_VERSION } from '../api/dataset-operations';
import type { Visibility } from '../api/types';
import { useQuery } from '../api/use-query';
import { DateTime } from '../components/DateTime';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatNumber } from '../components/format';
import { AnovaView } from './AnovaView';
import { datasetPath } from './dataset-path';
import { ExportLink } from './ExportLink';
import { IngestReportView } from './IngestReportView';
import { RowsPreview } from './RowsPreview';

// The chart library is the largest part of the portal: loaded with the first profile shown.
const ProfileCharts = lazy(() => import('./ProfileCharts').then((module) => ({ default: module.ProfileCharts })));

export function VersionView({ owner, name, number, visibility }: { owner: string; name: string; number: number; visibility: Visibility }) {
  const { data, error } = useQuery(DATASET_VERSION, { owner, name, number });
  const version = data?.datasetVersion.number === number ? data.datasetVersion : undefined;
  if (!version) return error ? <ErrorMessage error={error} /> : <p className="muted">Loading version {number}…</p>;
  return (
    <div data-testid="version-view" data-version={version.number}>
      <section className="card" aria-labelledby="version-heading">
        <h2 id="version-heading">
          Version {version.number}{' '}
          <span className="muted small">
            {formatNumber(version.rowCount)} rows · {version.columns.length} columns · uploaded <DateTime value={version.createdAt} />
            {version.createdBy && <> by {version.createdBy.username}</>}
          </span>
        </h2>
        <p>
          <ExportLink owner={owner} name={name} number={version.number} visibility={visibility} />{' '}
          · <Link to={`/leaderboards?dataset=${encodeURIComponent(`${owner}/${name}@${version.number}`)}`} data-testid="make-benchmark">Make a benchmark from it</Link>
        </p>
        <h3>Ingest report</h3>
        <IngestReportView report={version.ingestReport} />
      </section>
      <section className="card" aria-labelledby="rows-heading">
        <h2 id="rows-heading">Rows</h2>
        <RowsPreview key={version.id} owner={owner} name={name} number={version.number} columns={version.columns} />
      </section>
      <section className="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        {version.profile ? (
          <Suspense fallback={<p className="muted">Loading charts…</p>}>
            <ProfileCharts profile={version.profile} />
          </Suspense>
        ) : (
          <p className="muted">
            This version has no profile. <Link to={datasetPath(owner, name)}>Back to the dataset</Link>
          </p>
        )}
      </section>
      <section className="card" aria-labelledby="anova-heading">
        <h2 id="anova-heading">ANOVA</h2>
        <AnovaView key={version.id} owner={owner} name={name} number={version.number} columns={version.columns} />
      </section>
    </div>
  );
}
