/**
 * The Lab's way to call a deployed model from the browser: opened on demand, it lists the
 * deployments the user sees and reuses the Try it panel for the one picked.
 */
import { useState } from 'react';
import { useQuery } from '../api/use-query';
import { ErrorMessage } from '../components/ErrorMessage';
import { TRY_DEPLOYMENTS } from '../deployments/deployment-operations';
import { DeploymentPicker } from '../deployments/DeploymentPicker';
import '../deployments/deployments.css';

export function TryDeploymentPanel() {
  const [open, setOpen] = useState(false);
  return (
    <details className="lab-try" onToggle={(event) => setOpen(event.currentTarget.open)} data-testid="lab-try">
      <summary>Try a deployed model</summary>
      {open && <Deployments />}
    </details>
  );
}

function Deployments() {
  const { data, error, loading } = useQuery(TRY_DEPLOYMENTS, { first: 50 });
  const deployments = data?.deployments.edges.map((edge) => edge.node) ?? [];
  return (
    <>
      <ErrorMessage error={error} />
      {data && deployments.length === 0 && (
        <p className="muted" data-testid="lab-try-empty">
          No deployments yet — deploy a model version from its page.
        </p>
      )}
      {!data && loading && <p className="muted">Loading…</p>}
      <DeploymentPicker deployments={deployments} testId="lab-try-picker" />
    </>
  );
}
