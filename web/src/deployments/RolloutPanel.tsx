/**
 * A deployment's progressive rollout: the one in progress (its steps with the current one marked,
 * the canary's weight, the latest analysis of the canary against the stable version, and Pause,
 * Resume, Abort), or how the latest one ended (promoted, rolled back and why); and, for those who
 * may change the deployment, a form to start one (canary version, steps, thresholds).
 */
import { useState } from 'react';
import { request } from '../api/graphql-client';
import { DateTime } from '../components/DateTime';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatNumber } from '../components/format';
import { ProgressBar } from '../components/ProgressBar';
import { useRowAction } from '../components/use-row-action';
import { FormAlert } from '../forms/FormAlert';
import { TextField } from '../forms/TextField';
import { useFormSubmit } from '../forms/use-form-submit';
import { ABORT_ROLLOUT, PAUSE_ROLLOUT, RESUME_ROLLOUT, START_ROLLOUT } from './split-operations';
import type { DeploymentDetail } from './types';

type Rollout = NonNullable<DeploymentDetail['rollout']>;
type Figures = NonNullable<Rollout['lastAnalysis']>['stable'];

const ENDED: Record<string, string> = { PROMOTED: 'Promoted', ROLLED_BACK: 'Rolled back', ABORTED: 'Aborted' };
const pct = (x: number | null | undefined) => (x == null ? '–' : `${formatNumber(x * 100)} %`);
const ms = (x: number | null | undefined) => (x == null ? '–' : `${formatNumber(x)} ms`);

export function RolloutPanel({ deployment, canEdit }: { deployment: DeploymentDetail; canEdit: boolean }) {
  const r = deployment.rollout;
  const inProgress = r?.status === 'RUNNING' || r?.status === 'PAUSED';
  return (
    <div data-testid="rollout-panel">
      {r && <RolloutState deployment={deployment} rollout={r} canEdit={canEdit} />}
      {!r && <p className="muted">No rollout yet.</p>}
      {canEdit && !inProgress && <StartRolloutForm deployment={deployment} />}
    </div>
  );
}

function RolloutState({ deployment, rollout: r, canEdit }: { deployment: DeploymentDetail; rollout: Rollout; canEdit: boolean }) {
  const action = useRowAction();
  const inProgress = r.status === 'RUNNING' || r.status === 'PAUSED';
  const vars = { owner: deployment.owner, name: deployment.name };
  const a = r.lastAnalysis;
  return (
    <div className="rollout-state">
      <p data-testid="rollout-status">
        <strong>{inProgress ? (r.status === 'PAUSED' ? 'Paused' : 'Rolling out') : ENDED[r.status]}</strong>: version {r.canaryVersion} in place of version {r.stableVersion}
        {inProgress ? <>, step {r.currentStep + 1} of {r.steps.length}, the canary at {r.canaryWeight} %</> : null}
        {r.endedAt && <> · <DateTime value={r.endedAt} /></>}
      </p>
      {r.reason && <p className={r.status === 'ROLLED_BACK' ? 'notice' : 'muted'} data-testid="rollout-reason">{r.reason}</p>}
      {inProgress && <ProgressBar value={(r.currentStep + (r.status === 'RUNNING' ? 0.5 : 0)) / r.steps.length} message={`step ${r.currentStep + 1} of ${r.steps.length}`} testId="rollout-progress" />}
      <ol className="rollout-steps" data-testid="rollout-steps">
        {r.steps.map((s, i) => (
          <li key={i} className={i === r.currentStep && inProgress ? 'current' : i < r.currentStep || r.status === 'PROMOTED' ? 'done' : ''}>
            {s.weight} %{s.pause ? ' · pause until resumed' : ` · at least ${s.durationSeconds} s`}
          </li>
        ))}
      </ol>
      {a && (
        <div className="table-wrap">
          <table data-testid="rollout-analysis">
            <caption>
              Analysis, <DateTime value={a.from} /> to <DateTime value={a.to} />: <strong>{a.verdict.toLowerCase()}</strong>
              {a.reasons.length > 0 && <span className="muted"> · {a.reasons.join('; ')}</span>}
            </caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Requests</th>
                <th scope="col">Errors</th>
                <th scope="col">Error rate</th>
                <th scope="col">p99</th>
              </tr>
            </thead>
            <tbody>
              <FiguresRow label="stable" f={a.stable} />
              <FiguresRow label="canary" f={a.canary} />
            </tbody>
          </table>
        </div>
      )}
      <p className="muted small">
        Rolls back when the canary’s error rate exceeds the stable one’s by more than {pct(r.analysis.maxErrorRateIncrease)}, or its p99 is over {r.analysis.maxP99Ratio}× the stable one’s (and{' '}
        {r.analysis.p99SlackMs} ms more), over {r.analysis.windowSeconds} s once it answered {r.analysis.minRequests} requests.
      </p>
      {canEdit && inProgress && (
        <div className="inline-fields">
          {r.status === 'RUNNING' ? (
            <button type="button" className="button secondary" disabled={action.pending !== null} onClick={() => action.run(r.id, 'pause', () => request(PAUSE_ROLLOUT, vars))} data-testid="pause-rollout">
              Pause
            </button>
          ) : (
            <button type="button" className="button" disabled={action.pending !== null} onClick={() => action.run(r.id, 'resume', () => request(RESUME_ROLLOUT, vars))} data-testid="resume-rollout">
              Resume
            </button>
          )}
          <button
            type="button"
            className="button danger"
            disabled={action.pending !== null}
            onClick={() => action.run(r.id, 'abort', () => request(ABORT_ROLLOUT, { ...vars, reason: null }), `Abort the rollout? Version ${r.stableVersion} answers every request again.`)}
            data-testid="abort-rollout"
          >
            Abort
          </button>
        </div>
      )}
      <ErrorMessage error={action.error} testId="rollout-alert" />
    </div>
  );
}

function FiguresRow({ label, f }: { label: string; f: Figures }) {
  return (
    <tr>
      <td>
        {f.versionNumber} <span className="muted">({label})</span>
      </td>
      <td>{formatNumber(f.requests)}</td>
      <td>{formatNumber(f.errors)}</td>
      <td>{pct(f.errorRate)}</td>
      <td>{ms(f.p99Ms)}</td>
    </tr>
  );
}

/** Steps as "weight:seconds" separated by commas ("10:60, 25:60, 50:pause"). */
function parseSteps(text: string): { weight: number; durationSeconds?: number; pause?: boolean }[] | string {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return 'give at least one step';
  const steps = [];
  for (const part of parts) {
    const m = /^(\d+)\s*%?\s*:\s*(\d+|pause)$/.exec(part);
    if (!m) return `"${part}" is not weight:seconds or weight:pause`;
    steps.push(m[2] === 'pause' ? { weight: Number(m[1]), pause: true } : { weight: Number(m[1]), durationSeconds: Number(m[2]) });
  }
  return steps;
}

function StartRolloutForm({ deployment }: { deployment: DeploymentDetail }) {
  const [version, setVersion] = useState('');
  const [steps, setSteps] = useState('10:60, 25:60, 50:60');
  const [windowSeconds, setWindow] = useState('60');
  const [minRequests, setMinRequests] = useState('20');
  const [maxErrorRateIncrease, setMaxErrors] = useState('1');
  const [maxP99Ratio, setRatio] = useState('1.5');
  const submit = useFormSubmit(['version', 'steps', 'analysis.windowSeconds', 'analysis.minRequests', 'analysis.maxErrorRateIncrease', 'analysis.maxP99Ratio']);
  const stepFieldError = Object.entries(submit.problems.fields).find(([k]) => k.startsWith('steps'))?.[1];

  async function start() {
    const parsed = parseSteps(steps);
    if (typeof parsed === 'string') return submit.setProblems({ fields: { steps: parsed }, alert: null });
    await submit.run(() =>
      request(START_ROLLOUT, {
        owner: deployment.owner,
        name: deployment.name,
        input: {
          version: Number(version),
          steps: parsed,
          analysis: { windowSeconds: Number(windowSeconds), minRequests: Number(minRequests), maxErrorRateIncrease: Number(maxErrorRateIncrease) / 100, maxP99Ratio: Number(maxP99Ratio) },
        },
      }),
    );
  }

  return (
    <form
      className="rollout-form"
      data-testid="start-rollout"
      onSubmit={(event) => {
        event.preventDefault();
        void start();
      }}
    >
      <h3>Start a rollout</h3>
      <div className="inline-fields">
        <TextField label="Canary version" type="number" min={1} value={version} onChange={setVersion} error={submit.problems.fields.version} required testId="rollout-version" />
        <TextField label="Steps (weight %:seconds, or :pause)" value={steps} onChange={setSteps} error={stepFieldError} testId="rollout-steps-input" />
      </div>
      <div className="inline-fields">
        <TextField label="Window (s)" type="number" value={windowSeconds} onChange={setWindow} error={submit.problems.fields['analysis.windowSeconds']} />
        <TextField label="Min. canary requests" type="number" value={minRequests} onChange={setMinRequests} error={submit.problems.fields['analysis.minRequests']} />
        <TextField label="Max. extra error rate (points)" type="number" step="0.1" value={maxErrorRateIncrease} onChange={setMaxErrors} error={submit.problems.fields['analysis.maxErrorRateIncrease']} />
        <TextField label="Max. p99 ratio" type="number" step="0.1" value={maxP99Ratio} onChange={setRatio} error={submit.problems.fields['analysis.maxP99Ratio']} />
      </div>
      <FormAlert message={submit.problems.alert} testId="rollout-form-alert" />
      <button type="submit" className="button" disabled={submit.busy || !version}>
        {submit.busy ? 'Starting…' : 'Start rollout'}
      </button>
    </form>
  );
}
