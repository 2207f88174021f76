/**
 * A deployment's replica bounds and autoscaling settings (docs/serving.md, "Autoscaling"): shown
 * as they are, and, for those who may change the deployment, an editor that sends them with
 * `updateDeployment`. The hub checks every value and names the field of each problem.
 */
import { useState } from 'react';
import { request } from '../api/graphql-client';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { UPDATE_DEPLOYMENT_SCALING } from './budget-operations';
import type { DeploymentDetail } from './types';

type Key =
  | 'minReplicas'
  | 'maxReplicas'
  | 'autoscaling.targetConcurrency'
  | 'autoscaling.stableWindowSeconds'
  | 'autoscaling.panicWindowSeconds'
  | 'autoscaling.scaleDownDelaySeconds'
  | 'autoscaling.scaleToZeroAfterSeconds';

export function ScalingEditor({ deployment, onDone }: { deployment: DeploymentDetail; onDone(): void }) {
  const a = deployment.autoscaling;
  const form = useForm<Key>(
    {
      minReplicas: String(deployment.minReplicas),
      maxReplicas: String(deployment.maxReplicas),
      'autoscaling.targetConcurrency': String(a?.targetConcurrency ?? 4),
      'autoscaling.stableWindowSeconds': String(a?.stableWindowSeconds ?? 60),
      'autoscaling.panicWindowSeconds': String(a?.panicWindowSeconds ?? 6),
      'autoscaling.scaleDownDelaySeconds': String(a?.scaleDownDelaySeconds ?? 30),
      'autoscaling.scaleToZeroAfterSeconds': a?.scaleToZeroAfterSeconds != null ? String(a.scaleToZeroAfterSeconds) : '',
    },
    ['autoscaling'],
  );
  const [on, setOn] = useState(a != null);

  async function submit() {
    const v = form.values;
    const wrong: Record<string, string> = {};
    const read = (key: Key, whole: boolean): number => {
      const n = Number(v[key].trim());
      if (v[key].trim() === '' || !Number.isFinite(n) || (whole && !Number.isInteger(n))) wrong[key] = whole ? 'a whole number' : 'a number';
      return n;
    };
    const minReplicas = read('minReplicas', true);
    const maxReplicas = read('maxReplicas', true);
    const idle = v['autoscaling.scaleToZeroAfterSeconds'].trim();
    const autoscaling = on
      ? {
          targetConcurrency: read('autoscaling.targetConcurrency', false),
          stableWindowSeconds: read('autoscaling.stableWindowSeconds', true),
          panicWindowSeconds: read('autoscaling.panicWindowSeconds', true),
          scaleDownDelaySeconds: read('autoscaling.scaleDownDelaySeconds', true),
          scaleToZeroAfterSeconds: idle === '' ? null : read('autoscaling.scaleToZeroAfterSeconds', true),
        }
      : null;
    if (Object.keys(wrong).length > 0) {
      form.setProblems({ fields: wrong, alert: null });
      return;
    }
    const done = await form.run(() => request(UPDATE_DEPLOYMENT_SCALING, { owner: deployment.owner, name: deployment.name, input: { minReplicas, maxReplicas, autoscaling } }));
    if (done) onDone();
  }

  return (
    <Form form={form} onSubmit={submit} heading="Replicas and autoscaling" alertTestId="scaling-alert">
      <div className="inline-fields">
        <TextField label="Min replicas" inputMode="numeric" testId="scaling-min" {...form.field('minReplicas')} />
        <TextField label="Max replicas" inputMode="numeric" testId="scaling-max" {...form.field('maxReplicas')} />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={on} onChange={(event) => setOn(event.target.checked)} data-testid="scaling-autoscale" /> Scale with demand between min and max
      </label>
      {form.problems.fields.autoscaling && <p className="field-error">{form.problems.fields.autoscaling}</p>}
      {on && (
        <>
          <div className="inline-fields">
            <TextField label="Target in flight per replica" inputMode="decimal" testId="scaling-target" {...form.field('autoscaling.targetConcurrency')} />
            <TextField label="Stable window (s)" inputMode="numeric" testId="scaling-stable" {...form.field('autoscaling.stableWindowSeconds')} />
            <TextField label="Panic window (s)" inputMode="numeric" testId="scaling-panic" {...form.field('autoscaling.panicWindowSeconds')} />
          </div>
          <div className="inline-fields">
            <TextField label="Scale-down delay (s)" inputMode="numeric" testId="scaling-delay" {...form.field('autoscaling.scaleDownDelaySeconds')} />
            <TextField
              label="Scale to zero after idle (s)"
              inputMode="numeric"
              hint="Blank: never. Needs min replicas 0."
              testId="scaling-idle"
              {...form.field('autoscaling.scaleToZeroAfterSeconds')}
            />
          </div>
        </>
      )}
      <div className="row-actions">
        <SubmitButton busy={form.busy} busyLabel="Saving…" testId="scaling-save">
          Save
        </SubmitButton>
        <button type="button" className="button secondary" disabled={form.busy} onClick={onDone}>
          Cancel
        </button>
      </div>
    </Form>
  );
}
