/**
 * The traffic split editor: the versions a deployment serves under its name, each with its weight
 * (the non-shadow weights add up to 100) or as a shadow (the percent of requests copied to it),
 * and how requests stick to a variant. Saving sends the whole split (`updateDeployment` with
 * `variants` and `stickiness`); the hub checks it and the page hears the result live. While a
 * rollout is in progress the rollout owns the weights, so the editor only shows them.
 */
import { useEffect, useState } from 'react';
import { request } from '../api/graphql-client';
import type { VariantStickiness } from '../api/generated';
import { FormAlert } from '../forms/FormAlert';
import { useFormSubmit } from '../forms/use-form-submit';
import { SET_TRAFFIC_SPLIT } from './split-operations';
import type { DeploymentDetail } from './types';

interface Row {
  version: string;
  weight: string;
  shadow: boolean;
}

const rowsOf = (d: DeploymentDetail): Row[] => d.variants.map((v) => ({ version: String(v.versionNumber), weight: String(v.weight), shadow: v.shadow }));

export function TrafficSplitEditor({ deployment, canEdit }: { deployment: DeploymentDetail; canEdit: boolean }) {
  const [rows, setRows] = useState<Row[]>(() => rowsOf(deployment));
  const [stickiness, setStickiness] = useState<VariantStickiness>(deployment.stickiness);
  const [dirty, setDirty] = useState(false);
  const submit = useFormSubmit(['variants', 'stickiness']);
  const locked = deployment.rollout?.status === 'RUNNING' || deployment.rollout?.status === 'PAUSED';
  // A change from elsewhere (a rollout step, another tab) shows unless this form holds unsaved edits.
  const shown = JSON.stringify([rowsOf(deployment), deployment.stickiness]);
  useEffect(() => {
    if (dirty) return;
    setRows(rowsOf(deployment));
    setStickiness(deployment.stickiness);
  }, [shown]);

  const change = (i: number, patch: Partial<Row>) => {
    setDirty(true);
    setRows((all) => all.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  };
  const routedTotal = rows.filter((r) => !r.shadow).reduce((sum, r) => sum + (Number(r.weight) || 0), 0);
  const editable = canEdit && !locked;

  async function save() {
    const variants = rows.map((r) => ({ version: Number(r.version), weight: Number(r.weight), shadow: r.shadow }));
    const saved = await submit.run(() => request(SET_TRAFFIC_SPLIT, { owner: deployment.owner, name: deployment.name, input: { variants, stickiness } }));
    if (saved) setDirty(false);
  }

  return (
    <form
      className="split-editor"
      data-testid="split-editor"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Weight (%)</th>
            <th scope="col">Shadow</th>
            <th scope="col">Replicas</th>
            {editable && <th scope="col" aria-label="Remove" />}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} data-testid="split-row">
              <td>
                <input aria-label={`Version of variant ${i + 1}`} type="number" min={1} value={r.version} disabled={!editable} onChange={(e) => change(i, { version: e.target.value })} />
              </td>
              <td>
                <input aria-label={`Weight of variant ${i + 1}`} type="number" min={0} max={100} value={r.weight} disabled={!editable} onChange={(e) => change(i, { weight: e.target.value })} />
              </td>
              <td>
                <input aria-label={`Variant ${i + 1} is a shadow`} type="checkbox" checked={r.shadow} disabled={!editable} onChange={(e) => change(i, { shadow: e.target.checked })} />
              </td>
              <td>{deployment.variants[i]?.versionNumber === Number(r.version) ? deployment.variants[i].replicas : <span className="muted">–</span>}</td>
              {editable && (
                <td>
                  <button type="button" className="button secondary" disabled={rows.length <= 1} onClick={() => { setDirty(true); setRows((all) => all.filter((_, k) => k !== i)); }}>
                    Remove
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      <p className={routedTotal === 100 ? 'muted small' : 'small field-error'} data-testid="split-total">
        Weights of the answering variants: {routedTotal} % {routedTotal === 100 ? '' : '(they must add up to 100)'}
      </p>
      <label className="inline-fields">
        Stickiness{' '}
        <select value={stickiness} disabled={!editable} onChange={(e) => { setDirty(true); setStickiness(e.target.value as VariantStickiness); }}>
          <option value="REQUEST">per request (a routing key sticks)</option>
          <option value="CALLER">per caller (API key or user)</option>
        </select>
      </label>
      {submit.problems.fields.variants && <p className="field-error">{submit.problems.fields.variants}</p>}
      <FormAlert message={submit.problems.alert} testId="split-alert" />
      {locked && <p className="muted small">A rollout is in progress: it sets the weights until it ends.</p>}
      {editable && (
        <div className="inline-fields">
          <button type="button" className="button secondary" disabled={rows.length >= 4} onClick={() => { setDirty(true); setRows((all) => [...all, { version: '', weight: '0', shadow: false }]); }}>
            Add a variant
          </button>
          <button type="submit" className="button" disabled={submit.busy || !dirty} data-testid="save-split">
            {submit.busy ? 'Saving…' : 'Save the split'}
          </button>
          {dirty && (
            <button type="button" className="button secondary" onClick={() => { setDirty(false); setRows(rowsOf(deployment)); setStickiness(deployment.stickiness); }}>
              Discard
            </button>
          )}
        </div>
      )}
    </form>
  );
}
