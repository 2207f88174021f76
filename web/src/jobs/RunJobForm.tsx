/**
 * "Run a job": a submittable kind, its JSON payload (pre-filled with a sensible one per kind),
 * a priority and whether only the user's own nodes may run it. The payload is parsed here, so
 * a typing mistake is shown beside the field without a round trip; the hub checks the rest.
 */
import { useState } from 'react';
import { SUBMIT_JOB } from '../api/compute-operations';
import { request } from '../api/graphql-client';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';

/** The kinds submitJob accepts, each with the payload the form starts from. */
const DEFAULT_PAYLOADS = {
  echo: '{\n  "durationMs": 5000,\n  "steps": 10\n}',
  benchmark: '{\n  "matrixSize": 512,\n  "fitSteps": 20\n}',
} as const;
type SubmittableKind = keyof typeof DEFAULT_PAYLOADS;
const KINDS = Object.keys(DEFAULT_PAYLOADS) as SubmittableKind[];

const KIND_HINTS: Record<SubmittableKind, string> = {
  echo: 'Waits durationMs, reporting progress in steps; failWith makes it fail, value comes back as the result.',
  benchmark: 'Measures the node: matrixSize for matrix multiplication, fitSteps of training a small network.',
};

export function RunJobForm({ onSubmitted }: { onSubmitted(jobId: string): void }) {
  const form = useForm({ kind: 'echo', payload: DEFAULT_PAYLOADS.echo, priority: '0' }, ['requirements']);
  const [ownNodesOnly, setOwnNodesOnly] = useState(false);
  const kind = form.values.kind as SubmittableKind;

  function chooseKind(next: SubmittableKind) {
    // Keep a payload the user wrote; swap one they left as it came.
    const untouched = (Object.values(DEFAULT_PAYLOADS) as string[]).includes(form.values.payload.trim());
    form.set('kind', next);
    if (untouched) form.set('payload', DEFAULT_PAYLOADS[next]);
  }

  async function submit() {
    let payload: unknown;
    try {
      payload = JSON.parse(form.values.payload);
    } catch (error) {
      const detail = error instanceof Error ? ` (${error.message})` : '';
      form.setProblems({ fields: { payload: `is not valid JSON${detail}` }, alert: null });
      return;
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      form.setProblems({ fields: { payload: 'must be a JSON object, such as {"durationMs": 1000}' }, alert: null });
      return;
    }
    const priority = form.values.priority.trim();
    if (!/^-?\d+$/.test(priority)) {
      form.setProblems({ fields: { priority: 'must be a whole number from -100 to 100' }, alert: null });
      return;
    }
    const input = { kind, payload, priority: Number(priority), requirements: ownNodesOnly ? { ownNodesOnly: true } : null };
    const result = await form.run(() => request(SUBMIT_JOB, { input }));
    if (result) onSubmitted(result.submitJob.id);
  }

  const payload = form.field('payload');
  return (
    <Form form={form} onSubmit={submit} heading="Run a job" alertTestId="run-job-alert">
      <Field label="Kind" hint={KIND_HINTS[kind]} error={form.problems.fields.kind} testId="run-job-kind">
        {(control) => (
          <select {...control} name="kind" value={kind} onChange={(event) => chooseKind(event.target.value as SubmittableKind)}>
            {KINDS.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Payload (JSON)" error={payload.error} testId="run-job-payload">
        {(control) => (
          <textarea
            {...control}
            name="payload"
            className="code-input"
            rows={6}
            spellCheck={false}
            value={payload.value}
            onChange={(event) => payload.onChange(event.target.value)}
          />
        )}
      </Field>
      <TextField
        label="Priority"
        inputMode="numeric"
        className="short"
        hint="-100 to 100; higher runs first."
        testId="run-job-priority"
        {...form.field('priority')}
      />
      <label className="checkbox">
        <input type="checkbox" checked={ownNodesOnly} onChange={(event) => setOwnNodesOnly(event.target.checked)} data-testid="run-job-own-nodes" />
        <span>
          Only my nodes <span className="muted">(and my organizations&apos; members&apos; nodes)</span>
        </span>
      </label>
      <SubmitButton busy={form.busy} busyLabel="Submitting…" testId="run-job-submit">
        Run job
      </SubmitButton>
    </Form>
  );
}
