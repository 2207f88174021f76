/**
 * For a benchmark's admins: change its description, deadline (a past one closes it; empty makes
 * it standing), submissions per day, team size, tags and visibility (the dev split follows), or
 * delete it (its hidden split goes; the dev split stays a dataset).
 */
import { useNavigate } from 'react-router';
import { DELETE_BENCHMARK, UPDATE_BENCHMARK } from '../api/benchmark-operations';
import { request } from '../api/graphql-client';
import type { Visibility } from '../api/types';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { splitTags } from '../forms/split-tags';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { VisibilitySelect } from '../forms/VisibilitySelect';
import type { BenchmarkDetail } from './types';

/** An ISO instant as a `datetime-local` value in the browser's zone. */
function localInput(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function ManageBenchmark({ benchmark: b, onChanged }: { benchmark: BenchmarkDetail; onChanged(): void }) {
  const navigate = useNavigate();
  const form = useForm({
    description: b.description,
    deadline: localInput(b.deadline),
    'rules.submissionsPerDay': String(b.rules.submissionsPerDay),
    'rules.teamSize': String(b.rules.teamSize),
    tags: b.tags.join(', '),
    visibility: b.visibility,
  });

  async function save() {
    const input = {
      description: form.values.description,
      deadline: form.values.deadline ? new Date(form.values.deadline).toISOString() : null,
      rules: { submissionsPerDay: Number(form.values['rules.submissionsPerDay']), teamSize: Number(form.values['rules.teamSize']) },
      tags: splitTags(form.values.tags),
      visibility: form.values.visibility as Visibility,
    };
    if (await form.run(() => request(UPDATE_BENCHMARK, { owner: b.owner, name: b.name, input }))) onChanged();
  }

  async function remove() {
    if (!window.confirm(`Delete ${b.owner}/${b.name} and its hidden split? The dev split dataset stays.`)) return;
    if (await form.run(() => request(DELETE_BENCHMARK, { owner: b.owner, name: b.name }))) navigate('/leaderboards');
  }

  const description = form.field('description');
  return (
    <Form form={form} onSubmit={save} heading="Manage" alertTestId="manage-benchmark-alert">
      <Field label="Description (markdown)" error={description.error} testId="manage-benchmark-description">
        {(control) => <textarea {...control} name="description" rows={5} value={description.value} onChange={(event) => description.onChange(event.target.value)} />}
      </Field>
      <TextField label="Deadline" type="datetime-local" hint="Empty: a standing benchmark; a past time closes it." testId="manage-benchmark-deadline" {...form.field('deadline')} />
      <TextField label="Submissions per day" inputMode="numeric" testId="manage-benchmark-submissions" {...form.field('rules.submissionsPerDay')} />
      <TextField label="Team size" inputMode="numeric" testId="manage-benchmark-team-size" {...form.field('rules.teamSize')} />
      <TextField label="Tags" hint="Comma-separated, lower case." testId="manage-benchmark-tags" {...form.field('tags')} />
      <VisibilitySelect value={form.values.visibility as Visibility} onChange={(value) => form.set('visibility', value)} error={form.problems.fields.visibility} testId="manage-benchmark-visibility" />
      <div className="item-buttons">
        <SubmitButton busy={form.busy} busyLabel="Saving…" testId="save-benchmark">
          Save
        </SubmitButton>
        <button type="button" className="button danger" onClick={() => void remove()} disabled={form.busy} data-testid="delete-benchmark">
          Delete
        </button>
      </div>
    </Form>
  );
}
