/**
 * Try it over one of several deployments: a select when there are more than one (a ready one
 * first), then the Try it panel for the chosen one. Used by the model page (the model's
 * deployments) and the Lab (every deployment the user sees).
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { Field } from '../forms/Field';
import { deploymentPath } from './deployment-path';
import { TryItPanel } from './TryItPanel';
import type { TryDeployment } from './types';

// IDLE answers too: the first request starts a replica and waits for it.
const answering = (d: TryDeployment) => d.status === 'READY' || d.status === 'DEGRADED' || d.status === 'IDLE';

export function DeploymentPicker({ deployments, testId }: { deployments: readonly TryDeployment[]; testId: string }) {
  const ordered = [...deployments].sort((a, b) => Number(answering(b)) - Number(answering(a)));
  const [chosen, setChosen] = useState<string>();
  const deployment = ordered.find((d) => d.id === chosen) ?? ordered[0];
  if (!deployment) return null;
  return (
    <div className="deployment-picker" data-testid={testId}>
      {ordered.length > 1 && (
        <Field label="Deployment" testId={`${testId}-select`}>
          {(control) => (
            <select {...control} value={deployment.id} onChange={(event) => setChosen(event.target.value)}>
              {ordered.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.owner}/{d.name} (version {d.versionNumber}, {d.status.toLowerCase()})
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <p className="small">
        <Link to={deploymentPath(deployment.owner, deployment.name)} data-testid={`${testId}-link`}>
          Open {deployment.owner}/{deployment.name}
        </Link>{' '}
        <span className="muted">(replicas, traffic, usage)</span>
      </p>
      <TryItPanel key={`${deployment.id}:${deployment.versionNumber}`} deployment={deployment} headingLevel={3} />
    </div>
  );
}
