/**
 * One deployment, live: its status and replicas (node, state, load) through `deploymentChanged`,
 * its stored metrics over a chosen range (rate, latency, errors, replicas, nodes' CPU and memory,
 * MetricsCharts), the batch sizes of the last minute, its traffic split (an editor) and progressive
 * rollout (progress, analysis, start/pause/resume/abort), usage by API key, its settings and
 * endpoints (replicas and autoscaling editable), its monthly budget, its timeline, its alert rules
 * and incident timeline (for those who may change it), Try it, and Delete. What changes it shows only to those who may change it (`viewerCanChange`).
 */
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { request } from '../api/graphql-client';
import { DateTime } from '../components/DateTime';
import { ErrorMessage } from '../components/ErrorMessage';
import { ItemPlaceholder } from '../components/ItemPlaceholder';
import { StatusBadge } from '../components/StatusBadge';
import { usePageTitle } from '../components/use-page-title';
import { useRowAction } from '../components/use-row-action';
import { BatchSizeChart } from '../deployments/BatchSizeChart';
import { BudgetPanel } from '../deployments/BudgetPanel';
import { DeploymentAlerts } from '../deployments/DeploymentAlerts';
import { DELETE_DEPLOYMENT } from '../deployments/deployment-operations';
import { DeploymentFacts } from '../deployments/DeploymentFacts';
import { DeploymentTimeline } from '../deployments/DeploymentTimeline';
import { MetricsCharts } from '../deployments/MetricsCharts';
import { ReplicasTable } from '../deployments/ReplicasTable';
import { RolloutPanel } from '../deployments/RolloutPanel';
import { TrafficSplitEditor } from '../deployments/TrafficSplitEditor';
import { ScalingEditor } from '../deployments/ScalingEditor';
import { TryItPanel } from '../deployments/TryItPanel';
import type { DeploymentDetail } from '../deployments/types';
import { UsageByKey } from '../deployments/UsageByKey';
import { useLiveDeployment } from '../deployments/use-live-deployment';
import { modelPath } from '../models/model-path';
import '../deployments/deployments.css';

export function DeploymentPage() {
  const { owner = '', name = '' } = useParams();
  usePageTitle(`${owner}/${name}`);
  const { deployment, error, liveError } = useLiveDeployment(owner, name);
  return (
    <div className="page">
      <p>
        <Link to="/deployments">← All deployments</Link>
      </p>
      {deployment ? (
        <DeploymentDetails deployment={deployment} liveError={liveError?.message} />
      ) : (
        <ItemPlaceholder error={error} what="Deployment" slug={`${owner}/${name}`} notFoundTestId="deployment-not-found" />
      )}
    </div>
  );
}

function DeploymentDetails({ deployment, liveError }: { deployment: DeploymentDetail; liveError?: string }) {
  const slug = `${deployment.owner}/${deployment.name}`;
  const navigate = useNavigate();
  const remove = useRowAction();
  const [scaling, setScaling] = useState(false);
  return (
    <>
      <div className="page-heading job-heading">
        <h1>
          {slug} <StatusBadge status={deployment.status} testId="deployment-status" />
        </h1>
        {deployment.viewerCanChange && (
          <button
            type="button"
            className="button danger"
            disabled={remove.pending !== null}
            onClick={() =>
              remove.run(
                deployment.id,
                'delete',
                async () => {
                  await request(DELETE_DEPLOYMENT, { owner: deployment.owner, name: deployment.name });
                  navigate('/deployments', { replace: true });
                },
                `Delete the deployment ${slug}? Its replicas stop and its endpoints answer 404.`,
              )
            }
            data-testid="delete-deployment"
          >
            {remove.pending ? 'Deleting…' : 'Delete deployment'}
          </button>
        )}
      </div>
      <p className="muted">
        Serves{' '}
        <Link to={modelPath(deployment.model.owner, deployment.model.name, `?version=${deployment.versionNumber}`)}>
          {deployment.model.owner}/{deployment.model.name} version {deployment.versionNumber}</Link>
        {deployment.alias && <> (following the alias <code>{deployment.alias}</code>)</>} · created <DateTime value={deployment.createdAt} />
      </p>
      {deployment.statusMessage && (
        <p className="notice" data-testid="deployment-status-message">
          {deployment.statusMessage}
        </p>
      )}
      {deployment.waitingReason && (
        <p className="notice" data-testid="deployment-waiting">
          Waiting for replicas: {deployment.waitingReason}
        </p>
      )}
      <ErrorMessage error={remove.error} testId="deployment-alert" />
      <ErrorMessage error={liveError && `Live updates stopped: ${liveError}`} />

      <section className="card" aria-labelledby="replicas-heading">
        <h2 id="replicas-heading">Replicas</h2>
        <ReplicasTable replicas={deployment.replicas} />
      </section>

      <section className="card" aria-labelledby="split-heading">
        <h2 id="split-heading">Traffic split</h2>
        <TrafficSplitEditor deployment={deployment} canEdit={deployment.viewerCanChange} />
      </section>

      <section className="card" aria-labelledby="rollout-heading">
        <h2 id="rollout-heading">Rollout</h2>
        <RolloutPanel deployment={deployment} canEdit={deployment.viewerCanChange} />
      </section>

      <section className="card" aria-labelledby="traffic-heading">
        <h2 id="traffic-heading">Traffic</h2>
        <MetricsCharts owner={deployment.owner} name={deployment.name} stats={deployment.stats} />
        <div className="chart-grid">
          <BatchSizeChart batchSizes={deployment.stats.batchSizes} />
        </div>
      </section>

      <DeploymentTimeline owner={deployment.owner} name={deployment.name} changedAt={deployment.updatedAt} />

      <section className="card" aria-labelledby="alerts-heading">
        <h2 id="alerts-heading">Alerts and incidents</h2>
        <DeploymentAlerts owner={deployment.owner} name={deployment.name} />
      </section>

      <div className="page-grid">
        <section className="card" aria-label="Try it">
          <TryItPanel key={`${deployment.id}:${deployment.versionNumber}`} deployment={deployment} />
        </section>
        <aside>
          <section className="card" aria-labelledby="settings-heading">
            <h2 id="settings-heading">Settings</h2>
            {scaling ? (
              <ScalingEditor deployment={deployment} onDone={() => setScaling(false)} />
            ) : (
              <>
                <DeploymentFacts deployment={deployment} />
                {deployment.viewerCanChange && (
                  <button type="button" className="button secondary small" onClick={() => setScaling(true)} data-testid="scaling-edit">
                    Change replicas and autoscaling
                  </button>
                )}
              </>
            )}
          </section>
          {(deployment.viewerCanChange || deployment.budget) && (
            <section className="card" aria-labelledby="budget-heading">
              <h2 id="budget-heading">Budget</h2>
              <BudgetPanel deployment={deployment} canEdit={deployment.viewerCanChange} />
            </section>
          )}
        </aside>
      </div>

      <section className="card" aria-labelledby="usage-heading">
        <h2 id="usage-heading">Usage by key</h2>
        <UsageByKey deployment={slug} />
      </section>
    </>
  );
}
