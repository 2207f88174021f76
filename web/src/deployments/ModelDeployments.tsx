/**
 * The model page's Try it: when the model has deployments the reader can see, the Try it panel for
 * one of them (see DeploymentPicker); nothing otherwise, and nothing when the hub will not list
 * them to this reader.
 */
import { useQuery } from '../api/use-query';
import { TRY_DEPLOYMENTS } from './deployment-operations';
import { DeploymentPicker } from './DeploymentPicker';
import './deployments.css';

export function ModelDeployments({ owner, name }: { owner: string; name: string }) {
  const { data } = useQuery(TRY_DEPLOYMENTS, { model: `${owner}/${name}`, first: 20 });
  const deployments = data?.deployments.edges.map((edge) => edge.node) ?? [];
  if (deployments.length === 0) return null;
  return (
    <section className="card" aria-label="Try a deployment of this model" data-testid="model-deployments">
      <DeploymentPicker deployments={deployments} testId="model-try" />
    </section>
  );
}
