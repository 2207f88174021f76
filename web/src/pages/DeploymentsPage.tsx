/**
 * Deployments: the model versions online that the user can see, with their status, ready
 * replicas and live request rate and latency (re-read every few seconds).
 */
import { PagedListView } from '../components/ListView';
import { usePageTitle } from '../components/use-page-title';
import { DeploymentsTable } from '../deployments/DeploymentsTable';
import { useLiveDeployments } from '../deployments/use-live-deployments';
import '../deployments/deployments.css';

export function DeploymentsPage() {
  usePageTitle('Deployments');
  const list = useLiveDeployments();
  return (
    <div className="page">
      <div className="page-heading">
        <h1>Deployments</h1>
        <p className="muted">
          Model versions online on contributed nodes, answering TF Serving, KServe v2 and GraphQL calls. Deploy a version from its model’s page.
        </p>
      </div>
      <section className="card" aria-label="Deployments">
        <PagedListView list={list}>{(deployments) => <DeploymentsTable deployments={deployments} />}</PagedListView>
      </section>
    </div>
  );
}
