/**
 * Where a version came from: the dataset version it was trained on and the model version it was
 * derived from (links; the hub shows a reference the reader may not read as none), the training
 * job, the SQL or the spec it was built from, and its hyperparameters.
 */
import { Link } from 'react-router';
import { datasetPath } from '../datasets/dataset-path';
import { JsonBlock } from '../components/JsonBlock';
import { modelPath } from './model-path';
import type { ModelLineage } from './types';

export function LineageView({ lineage }: { lineage: ModelLineage | null }) {
  if (!lineage) return <p className="muted" data-testid="lineage-empty">No lineage recorded.</p>;
  return (
    <div data-testid="lineage">
      <dl className="facts">
        <dt>Dataset</dt>
        <dd data-testid="lineage-dataset">
          {lineage.dataset ? (
            <Link to={datasetPath(lineage.dataset.owner, lineage.dataset.name, `?version=${lineage.dataset.number}`)}>
              {lineage.dataset.owner}/{lineage.dataset.name} v{lineage.dataset.number}
            </Link>
          ) : (
            <span className="muted">none</span>
          )}
        </dd>
        <dt>Derived from</dt>
        <dd data-testid="lineage-parent">
          {lineage.parent ? (
            <Link to={modelPath(lineage.parent.owner, lineage.parent.name, `?version=${lineage.parent.number}`)}>
              {lineage.parent.owner}/{lineage.parent.name} v{lineage.parent.number}
            </Link>
          ) : (
            <span className="muted">none</span>
          )}
        </dd>
        {lineage.trainingJobId && (
          <>
            <dt>Training job</dt>
            <dd>
              <Link to={`/jobs/${encodeURIComponent(lineage.trainingJobId)}`}>{lineage.trainingJobId}</Link>
            </dd>
          </>
        )}
        <dt>Recorded</dt>
        <dd>{lineage.declared ? 'stated by the uploader' : 'by the hub, from training'}</dd>
      </dl>
      {lineage.sql && (
        <>
          <h4>SQL</h4>
          <pre className="json" data-testid="lineage-sql">
            {lineage.sql}
          </pre>
        </>
      )}
      <h4>Hyperparameters</h4>
      <JsonBlock value={lineage.hyperparameters} empty="none stated" testId="lineage-hyperparameters" />
      {lineage.spec != null && (
        <details>
          <summary>Model spec</summary>
          <JsonBlock value={lineage.spec} />
        </details>
      )}
    </div>
  );
}
