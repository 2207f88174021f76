/**
 * A deployment's alert rules (list, create, delete) and its incident timeline, newest first: when
 * each opened and resolved, what was measured against what, and what its action did. Shown to
 * those with write access (the hub answers null to others); re-read every REFRESH_MS and after
 * each change. docs/alerts.md.
 */
import { useEffect, useState } from 'react';
import type { AlertAction, AlertCondition, AlertMetric, DeploymentAlertsQuery } from '../api/generated';
import { request } from '../api/graphql-client';
import { enumValues } from '../api/types';
import { useQuery } from '../api/use-query';
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { ErrorMessage } from '../components/ErrorMessage';
import { RowActionButton } from '../components/RowActionButton';
import { useRowAction } from '../components/use-row-action';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { CREATE_ALERT_RULE, DELETE_ALERT_RULE, DEPLOYMENT_ALERTS } from './alert-operations';

const REFRESH_MS = 15_000;

type Alerts = NonNullable<DeploymentAlertsQuery['deployment']>;
type Rule = NonNullable<Alerts['alertRules']>[number];
type Incident = NonNullable<Alerts['incidents']>[number];

const METRICS = enumValues<AlertMetric>({ ERROR_RATE: true, REQUESTS_PER_SECOND: true, P99_LATENCY_MS: true, P95_LATENCY_MS: true, P50_LATENCY_MS: true });
const CONDITIONS = enumValues<AlertCondition>({ ABOVE: true, BELOW: true, ANOMALY: true });
const ACTIONS = enumValues<AlertAction>({ NONE: true, SCALE_UP: true, EJECT_REPLICA: true, THROTTLE_KEY: true, ROLL_BACK_CANARY: true });

const METRIC_LABELS: Record<AlertMetric, string> = {
  ERROR_RATE: 'Error rate',
  REQUESTS_PER_SECOND: 'Requests per second',
  P99_LATENCY_MS: 'p99 latency',
  P95_LATENCY_MS: 'p95 latency',
  P50_LATENCY_MS: 'p50 latency',
};
const CONDITION_LABELS: Record<AlertCondition, string> = { ABOVE: 'above a threshold', BELOW: 'below a threshold', ANOMALY: 'outside its baseline band' };
const ACTION_LABELS: Record<AlertAction, string> = {
  NONE: 'Tell followers only',
  SCALE_UP: 'Scale up (minReplicas + 1)',
  EJECT_REPLICA: 'Eject the worst replica',
  THROTTLE_KEY: 'Throttle the flooding API key',
  ROLL_BACK_CANARY: 'Roll back the canary',
};

/** A metric's value as people read it: a percentage, a rate, milliseconds. */
function show(metric: AlertMetric, value: number | null): string {
  if (value === null) return '–';
  if (metric === 'ERROR_RATE') return `${(value * 100).toFixed(1)} %`;
  if (metric === 'REQUESTS_PER_SECOND') return `${value.toFixed(2)}/s`;
  return `${Math.round(value)} ms`;
}

function ruleText(r: Pick<Rule, 'metric' | 'condition' | 'threshold' | 'windowSeconds'>): string {
  const against = r.condition === 'ANOMALY' ? 'outside its baseline band' : `${r.condition === 'ABOVE' ? 'above' : 'below'} ${show(r.metric, r.threshold)}`;
  return `${METRIC_LABELS[r.metric]} ${against} over ${r.windowSeconds} s`;
}

export function DeploymentAlerts({ owner, name }: { owner: string; name: string }) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const { data, error, reload } = useQuery(DEPLOYMENT_ALERTS, { owner, name }, tick);
  const rules = data?.deployment.alertRules;
  const incidents = data?.deployment.incidents;
  if (data && (rules === null || incidents === null)) return <p className="muted">Alert rules and incidents are shown to those who may change the deployment.</p>;
  return (
    <>
      <ErrorMessage error={error} />
      {rules && incidents ? (
        <>
          <RulesTable rules={rules} onChanged={reload} />
          <CreateRuleForm owner={owner} name={name} onCreated={reload} />
          <h3>Incidents</h3>
          <IncidentTimeline incidents={incidents} />
        </>
      ) : (
        !error && <p className="muted">Loading…</p>
      )}
    </>
  );
}

function RulesTable({ rules, onChanged }: { rules: readonly Rule[]; onChanged(): void }) {
  const remove = useRowAction();
  return (
    <>
      <ErrorMessage error={remove.error} />
      <DataTable
        rows={rules}
        rowKey={(r) => r.id}
        rowAttributes={(r) => ({ 'data-testid': 'alert-rule-row', 'data-rule': r.name })}
        caption="Alert rules"
        testId="alert-rules"
        empty="No alert rules: add one below."
        emptyTestId="no-alert-rules"
        columns={[
          { header: 'Name', cell: (r) => r.name },
          { header: 'Condition', cell: (r) => ruleText(r) },
          { header: 'Action', cell: (r) => ACTION_LABELS[r.action] },
          { header: 'Enabled', cell: (r) => (r.enabled ? 'yes' : 'no') },
          {
            header: 'Actions',
            hideHeader: true,
            cell: (r) => (
              <RowActionButton
                rowAction={remove}
                row={r.id}
                name="delete"
                label="Delete"
                busyLabel="Deleting…"
                confirm={`Delete the alert rule ${r.name}? Its past incidents stay.`}
                action={() => request(DELETE_ALERT_RULE, { id: r.id })}
                onDone={onChanged}
                danger
                ariaLabel={`Delete alert rule ${r.name}`}
                testId="delete-alert-rule"
              />
            ),
          },
        ]}
      />
    </>
  );
}

function CreateRuleForm({ owner, name, onCreated }: { owner: string; name: string; onCreated(): void }) {
  const form = useForm({ name: '', threshold: '', windowSeconds: '60' }, ['metric', 'condition', 'action']);
  const [metric, setMetric] = useState<AlertMetric>('ERROR_RATE');
  const [condition, setCondition] = useState<AlertCondition>('ABOVE');
  const [action, setAction] = useState<AlertAction>('NONE');

  async function submit() {
    const threshold = form.values.threshold.trim();
    const input = {
      owner,
      deployment: name,
      name: form.values.name.trim(),
      metric,
      condition,
      // An error rate is typed in percent and sent as a fraction.
      threshold: condition === 'ANOMALY' || threshold === '' ? null : Number(threshold) / (metric === 'ERROR_RATE' ? 100 : 1),
      windowSeconds: Number(form.values.windowSeconds.trim()),
      action,
    };
    const result = await form.run(() => request(CREATE_ALERT_RULE, { input }));
    if (!result) return;
    form.reset();
    onCreated();
  }

  const unit = metric === 'ERROR_RATE' ? '%' : metric === 'REQUESTS_PER_SECOND' ? 'requests per second' : 'ms';
  return (
    <Form form={form} onSubmit={submit} heading="Add an alert rule" alertTestId="alert-rule-alert">
      <TextField label="Name" required maxLength={100} testId="alert-rule-name" {...form.field('name')} />
      <div className="inline-fields">
        <Field label="Metric" testId="alert-rule-metric" error={form.problems.fields.metric}>
          {(control) => (
            <select {...control} value={metric} onChange={(event) => setMetric(event.target.value as AlertMetric)}>
              {METRICS.map((m) => (
                <option key={m} value={m}>
                  {METRIC_LABELS[m]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Condition" testId="alert-rule-condition" error={form.problems.fields.condition}>
          {(control) => (
            <select {...control} value={condition} onChange={(event) => setCondition(event.target.value as AlertCondition)}>
              {CONDITIONS.map((c) => (
                <option key={c} value={c}>
                  {CONDITION_LABELS[c]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {condition !== 'ANOMALY' && <TextField label={`Threshold (${unit})`} inputMode="decimal" testId="alert-rule-threshold" {...form.field('threshold')} />}
        <TextField label="Window (seconds)" inputMode="numeric" testId="alert-rule-window" {...form.field('windowSeconds')} />
        <Field label="Action" testId="alert-rule-action" error={form.problems.fields.action}>
          {(control) => (
            <select {...control} value={action} onChange={(event) => setAction(event.target.value as AlertAction)}>
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {ACTION_LABELS[a]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <SubmitButton busy={form.busy} busyLabel="Adding…" testId="create-alert-rule">
        Add rule
      </SubmitButton>
    </Form>
  );
}

/** What an incident's action did, from its JSON ({ action, applied, message }). */
function actionMessage(action: unknown): string | null {
  if (!action || typeof action !== 'object') return null;
  const message = (action as { message?: unknown }).message;
  return typeof message === 'string' ? message : null;
}

function IncidentTimeline({ incidents }: { incidents: readonly Incident[] }) {
  if (incidents.length === 0) return <p className="muted" data-testid="no-incidents">No incidents.</p>;
  return (
    <ol className="incident-timeline" data-testid="incidents">
      {incidents.map((i) => {
        const band = i.opened.band;
        const did = actionMessage(i.action);
        return (
          <li key={i.id} data-testid="incident" data-state={i.resolvedAt ? 'resolved' : 'open'} className={i.resolvedAt ? 'incident resolved' : 'incident open'}>
            <p>
              <strong>{i.rule.name}</strong> <span className={i.resolvedAt ? 'badge' : 'badge danger'}>{i.resolvedAt ? 'resolved' : 'open'}</span>
            </p>
            <p>
              Opened <DateTime value={i.openedAt} seconds />: {METRIC_LABELS[i.rule.metric]} {show(i.rule.metric, i.opened.value)} over {i.rule.windowSeconds} s
              {band ? ` (baseline ${show(i.rule.metric, band.low)}–${show(i.rule.metric, band.high)})` : i.opened.threshold !== null ? ` (threshold ${show(i.rule.metric, i.opened.threshold)})` : ''}, {i.opened.requests} requests
            </p>
            {did && <p className="muted">Action: {did}</p>}
            {i.resolvedAt && (
              <p>
                Resolved <DateTime value={i.resolvedAt} seconds />
                {i.resolved ? `: ${show(i.rule.metric, i.resolved.value)}, ${i.resolved.requests} requests` : ''}
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}
