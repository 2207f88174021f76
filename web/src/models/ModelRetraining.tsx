/**
 * A model's continuous training (docs/retraining.md), for those who may change the model: its
 * triggers (new data in the datasets it reads unpinned, a cron schedule), the next scheduled run,
 * and its latest retraining runs with the data versions each trained on, the version it made, its
 * state, outcome and duration. "Run now" starts one; "Pause" / "Resume" hold the triggers; the
 * form below sets them.
 * Nothing is shown when the hub answers no retraining (a model not trained by SQL, or a reader).
 */
import { useState } from 'react';
import { request } from '../api/graphql-client';
import { GraphQLRequestError } from '../api/graphql-request-error';
import { MODEL_RETRAINING, PAUSE_RETRAINING, RESUME_RETRAINING, RUN_RETRAINING_NOW, SET_RETRAINING_TRIGGERS } from '../api/retraining-operations';
import { useQuery } from '../api/use-query';
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { ErrorMessage } from '../components/ErrorMessage';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';

const TRIGGER_LABELS = { ON_NEW_DATA: 'new data', CRON: 'schedule', MANUAL: 'run now' } as const;

/** 65_000 → "1 min 5 s". */
export function duration(ms: number | null): string {
  if (ms === null) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function ModelRetraining({ owner, name }: { owner: string; name: string }) {
  const { data, error, reload } = useQuery(MODEL_RETRAINING, { owner, name });
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const retraining = data?.model.retraining;
  if (!retraining) return error ? <ErrorMessage error={error} /> : null;
  const { triggers } = retraining;
  const runs = retraining.runs.edges.map((e) => e.node);
  const active = runs.some((r) => r.state === 'QUEUED' || r.state === 'TRAINING' || r.state === 'JUDGING');

  async function act(which: string, action: () => Promise<unknown>) {
    setBusy(which);
    setActionError(null);
    try {
      await action();
      reload();
    } catch (e) {
      setActionError(GraphQLRequestError.from(e).message);
    } finally {
      setBusy(null);
    }
  }

  const watched = retraining.watching.map((w) => `${w.owner}/${w.name} (trained on @${w.seen})`).join(', ');
  return (
    <section className="card" aria-labelledby="retraining-heading" data-testid="model-retraining">
      <h2 id="retraining-heading">Retraining</h2>
      <ErrorMessage error={error ?? actionError} />
      <dl className="facts" data-testid="retraining-triggers">
        <dt>On new data</dt>
        <dd>{triggers.onNewData ? watched || 'on, but every dataset is pinned (@n)' : 'off'}</dd>
        <dt>Schedule</dt>
        <dd>{triggers.cron ? <code>{triggers.cron}</code> : 'none'}{triggers.cron && ' (UTC)'}</dd>
        <dt>Next scheduled run</dt>
        <dd data-testid="retraining-next-run">{triggers.paused ? 'paused' : <DateTime value={retraining.nextRunAt} empty="none" />}</dd>
      </dl>
      <p>
        <button
          type="button"
          className="button small"
          disabled={busy !== null || active}
          title={active ? 'A retraining of this model is running' : undefined}
          onClick={() => act('run', () => request(RUN_RETRAINING_NOW, { owner, name }))}
          data-testid="retraining-run-now"
        >
          {busy === 'run' ? 'Starting…' : 'Run now'}
        </button>{' '}
        {triggers.paused ? (
          <button type="button" className="button secondary small" disabled={busy !== null} onClick={() => act('resume', () => request(RESUME_RETRAINING, { owner, name }))} data-testid="retraining-resume">
            {busy === 'resume' ? 'Resuming…' : 'Resume'}
          </button>
        ) : (
          <button type="button" className="button secondary small" disabled={busy !== null} onClick={() => act('pause', () => request(PAUSE_RETRAINING, { owner, name }))} data-testid="retraining-pause">
            {busy === 'pause' ? 'Pausing…' : 'Pause'}
          </button>
        )}{' '}
        <button type="button" className="button secondary small" onClick={reload} data-testid="retraining-refresh">
          Refresh
        </button>
      </p>
      <TriggersForm owner={owner} name={name} onNewData={triggers.onNewData} cron={triggers.cron} onSaved={reload} />
      <DataTable
        rows={runs}
        rowKey={(r) => r.id}
        rowAttributes={(r) => ({ 'data-testid': 'retraining-run', 'data-state': r.state })}
        caption="Latest retraining runs, newest first"
        testId="retraining-runs"
        empty="No retraining has run yet."
        emptyTestId="retraining-runs-empty"
        columns={[
          { header: 'Started', cell: (r) => <DateTime value={r.createdAt} seconds /> },
          { header: 'By', cell: (r) => TRIGGER_LABELS[r.trigger] },
          { header: 'Data', cell: (r) => (r.dataVersions.length > 0 ? r.dataVersions.join(', ') : '—') },
          { header: 'State', cell: (r) => <span data-testid="retraining-run-state">{r.state.toLowerCase()}</span> },
          { header: 'Version', cell: (r) => (r.challengerVersion ? `v${r.challengerVersion}` : '—') },
          { header: 'Duration', cell: (r) => duration(r.durationMs) },
          {
            header: 'Outcome',
            cell: (r) => r.error ?? r.reason ?? (r.holdoutRows ? `holdout of ${r.holdoutRows} new rows` : (r.detail ?? '')),
          },
        ]}
      />
    </section>
  );
}

function TriggersForm({ owner, name, onNewData, cron, onSaved }: { owner: string; name: string; onNewData: boolean; cron: string | null; onSaved(): void }) {
  const form = useForm({ onNewData: onNewData ? 'yes' : '', cron: cron ?? '' });
  async function save() {
    const done = await form.run(() =>
      request(SET_RETRAINING_TRIGGERS, { owner, name, input: { onNewData: form.values.onNewData === 'yes', cron: form.values.cron.trim() || null } }),
    );
    if (done) onSaved();
  }
  return (
    <Form form={form} onSubmit={save} heading="Triggers" alertTestId="retraining-triggers-alert">
      <label className="checkbox">
        <input
          type="checkbox"
          checked={form.values.onNewData === 'yes'}
          onChange={(event) => form.set('onNewData', event.target.checked ? 'yes' : '')}
          data-testid="retraining-on-new-data"
        />{' '}
        Retrain when a dataset the query reads without @n gets a new version
      </label>
      <TextField label="Schedule (cron, UTC)" placeholder="0 3 * * 1" hint="Empty: no schedule. node-cron syntax: minute hour day month weekday." testId="retraining-cron" {...form.field('cron')} />
      <SubmitButton busy={form.busy} busyLabel="Saving…" testId="retraining-save">
        Save triggers
      </SubmitButton>
    </Form>
  );
}
