/**
 * A deployment's monthly budget of replica-hours: this month's use as a bar with the action taken
 * at 100 %, the warning and overrun of the month, and (for those who may change it) an editor that
 * sets, changes or removes the budget.
 */
import { useState } from 'react';
import { request } from '../api/graphql-client';
import { DateTime } from '../components/DateTime';
import { formatNumber } from '../components/format';
import { ProgressBar } from '../components/ProgressBar';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { SET_DEPLOYMENT_BUDGET } from './budget-operations';
import type { DeploymentDetail } from './types';

type Budget = NonNullable<DeploymentDetail['budget']>;
type Action = Budget['action'];

export function BudgetPanel({ deployment, canEdit }: { deployment: DeploymentDetail; canEdit: boolean }) {
  // A save shows its answer at once; the next live update of the deployment replaces it.
  const [saved, setSaved] = useState<{ budget: Budget | null; over: DeploymentDetail['budget'] } | null>(null);
  const [editing, setEditing] = useState(false);
  const shown = saved && saved.over === deployment.budget ? saved.budget : (deployment.budget ?? null);
  const capAt = Math.max(deployment.minReplicas, 1);
  return (
    <div data-testid="deployment-budget">
      {shown ? (
        <>
          <ProgressBar
            value={shown.usedReplicaHours / shown.limitReplicaHours}
            message={`${formatNumber(Math.round(shown.usedReplicaHours * 100) / 100)} of ${formatNumber(shown.limitReplicaHours)} replica-hours in ${shown.month} (UTC)`}
            testId="budget-use"
          />
          <p className="muted small">
            At 100 %: {shown.action === 'STOP' ? 'stop the deployment until next month' : `cap it at ${capAt} replica${capAt === 1 ? '' : 's'} until next month`}.
            {shown.warnedAt && (
              <>
                {' '}Warned at 80 % <DateTime value={shown.warnedAt} />.
              </>
            )}
            {shown.exceededAt && (
              <>
                {' '}Used up <DateTime value={shown.exceededAt} />.
              </>
            )}
          </p>
          {shown.held && (
            <p className="notice" data-testid="budget-held">
              {shown.action === 'STOP' ? 'Stopped by its budget.' : `Capped at ${capAt} replica${capAt === 1 ? '' : 's'} by its budget.`} Raise or remove the budget to lift it now.
            </p>
          )}
        </>
      ) : (
        <p className="muted">No budget: replica-hours are not limited.</p>
      )}
      {canEdit &&
        (editing ? (
          <BudgetForm
            deployment={deployment}
            budget={shown}
            onSaved={(next) => {
              setSaved({ budget: next, over: deployment.budget });
              setEditing(false);
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <button type="button" className="button secondary small" onClick={() => setEditing(true)} data-testid="budget-edit">
            {shown ? 'Change budget' : 'Set a budget'}
          </button>
        ))}
    </div>
  );
}

function BudgetForm({ deployment, budget, onSaved, onCancel }: { deployment: DeploymentDetail; budget: Budget | null; onSaved(budget: Budget | null): void; onCancel(): void }) {
  const form = useForm({ limitReplicaHours: budget ? String(budget.limitReplicaHours) : '' }, ['budget', 'budget.limitReplicaHours']);
  const [action, setAction] = useState<Action>(budget?.action ?? 'CAP');
  const save = async (next: { limitReplicaHours: number; action: Action } | null) => {
    const result = await form.run(() => request(SET_DEPLOYMENT_BUDGET, { owner: deployment.owner, name: deployment.name, budget: next }));
    if (result) onSaved(result.setDeploymentBudget.budget ?? null);
  };
  const limitError = form.problems.fields['budget.limitReplicaHours'] ?? form.problems.fields.budget;
  return (
    <Form form={form} onSubmit={() => save({ limitReplicaHours: Number(form.values.limitReplicaHours.trim()), action })} heading="Monthly budget" alertTestId="budget-alert">
      <div className="inline-fields">
        <TextField
          label="Replica-hours a month"
          inputMode="decimal"
          hint="Each replica counts while it is ready; a warning at 80 %."
          testId="budget-limit"
          {...form.field('limitReplicaHours')}
          error={limitError}
        />
        <Field label="At 100 %" testId="budget-action">
          {(control) => (
            <select {...control} value={action} onChange={(event) => setAction(event.target.value as Action)}>
              <option value="CAP">Cap at the minimum replicas</option>
              <option value="STOP">Stop the deployment</option>
            </select>
          )}
        </Field>
      </div>
      <div className="row-actions">
        <SubmitButton busy={form.busy} busyLabel="Saving…" testId="budget-save">
          Save budget
        </SubmitButton>
        {budget && (
          <button type="button" className="button secondary" disabled={form.busy} onClick={() => void save(null)} data-testid="budget-remove">
            Remove budget
          </button>
        )}
        <button type="button" className="button secondary" disabled={form.busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </Form>
  );
}
