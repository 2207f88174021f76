/**
 * "Deploy" on a model version: a button that opens a short form (the deployment's name, how many replicas,
 * batching) and creates the deployment, then goes to its page where its replicas come up live.
 * Empty number fields take the hub's defaults.
 */
import { useNavigate } from 'react-router';
import { request } from '../api/graphql-client';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { CREATE_DEPLOYMENT } from './deployment-operations';
import { deploymentPath } from './deployment-path';

export interface DeployFormProps {
  owner: string;
  name: string;
  number: number;
}

type NumberField = 'minReplicas' | 'maxReplicas' | 'maxBatchSize' | 'maxQueueDelayMs';
const NUMBER_FIELDS: readonly NumberField[] = ['minReplicas', 'maxReplicas', 'maxBatchSize', 'maxQueueDelayMs'];

/** The button that shows or hides the form; the page puts the form where there is room (see DeployForm). */
export function DeployButton({ number, open, onToggle }: { number: number; open: boolean; onToggle(): void }) {
  return (
    <button type="button" className="button small" aria-expanded={open} onClick={onToggle} aria-label={`Deploy version ${number}`} data-testid="version-deploy">
      Deploy…
    </button>
  );
}

export function DeployForm({ owner, name, number }: DeployFormProps) {
  const navigate = useNavigate();
  const form = useForm({ name: name, minReplicas: '1', maxReplicas: '1', maxBatchSize: '', maxQueueDelayMs: '' });

  async function submit() {
    const numbers: Partial<Record<NumberField, number>> = {};
    for (const field of NUMBER_FIELDS) {
      const text = form.values[field].trim();
      if (text === '') continue;
      const value = Number(text);
      if (!Number.isInteger(value) || value < 0) {
        form.setProblems({ fields: { [field]: 'a whole number, 0 or more' }, alert: null });
        return;
      }
      numbers[field] = value;
    }
    const batching =
      numbers.maxBatchSize !== undefined || numbers.maxQueueDelayMs !== undefined
        ? { maxBatchSize: numbers.maxBatchSize, maxQueueDelayMs: numbers.maxQueueDelayMs }
        : undefined;
    const created = await form.run(() =>
      request(CREATE_DEPLOYMENT, {
        input: {
          name: form.values.name.trim(),
          model: `${owner}/${name}`,
          version: number,
          minReplicas: numbers.minReplicas,
          maxReplicas: numbers.maxReplicas,
          batching,
        },
      }),
    );
    if (created) navigate(deploymentPath(created.createDeployment.owner, created.createDeployment.name));
  }

  return (
    <Form form={form} onSubmit={submit} heading={`Deploy version ${number}`} className="form inset deploy-form" alertTestId="deploy-alert">
      <TextField label="Deployment name" {...form.field('name')} required testId="deploy-name" hint="Callers name it owner/name; it is yours." />
      <div className="inline-fields">
        <TextField label="Min replicas" {...form.field('minReplicas')} inputMode="numeric" testId="deploy-min-replicas" />
        <TextField label="Max replicas" {...form.field('maxReplicas')} inputMode="numeric" testId="deploy-max-replicas" />
      </div>
      <div className="inline-fields">
        <TextField label="Max batch size" {...form.field('maxBatchSize')} inputMode="numeric" placeholder="hub default" testId="deploy-max-batch" />
        <TextField label="Max queue delay (ms)" {...form.field('maxQueueDelayMs')} inputMode="numeric" placeholder="hub default" testId="deploy-queue-delay" />
      </div>
      <SubmitButton busy={form.busy} busyLabel="Deploying…" testId="deploy-submit">
        Deploy version {number}
      </SubmitButton>
    </Form>
  );
}
