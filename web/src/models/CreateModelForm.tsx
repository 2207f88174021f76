/**
 * "New model": an owner (the user or one of their organizations), a name, a task, tags, a
 * license, a visibility and a markdown description. The hub checks them and says what is wrong
 * beside each field (a name taken is CONFLICT, beside the name).
 */
import { request } from '../api/graphql-client';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { OwnerSelect, useMe } from '../forms/OwnerSelect';
import { splitTags } from '../forms/split-tags';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { VisibilitySelect } from '../forms/VisibilitySelect';
import { CREATE_MODEL } from './model-operations';
import type { ModelSummary, Visibility } from './types';

export function CreateModelForm({ onCreated }: { onCreated(model: Pick<ModelSummary, 'owner' | 'name'>): void }) {
  const me = useMe();
  const form = useForm({ owner: '', name: '', task: '', tags: '', license: '', visibility: 'PUBLIC', description: '' });
  const visibility = form.values.visibility as Visibility;

  async function submit() {
    const input = {
      owner: form.values.owner || me,
      name: form.values.name.trim(),
      task: form.values.task.trim() || null,
      tags: splitTags(form.values.tags),
      license: form.values.license.trim(),
      visibility,
      description: form.values.description,
    };
    const result = await form.run(() => request(CREATE_MODEL, { input }));
    if (result) onCreated(result.createModel);
  }

  const description = form.field('description');
  return (
    <Form form={form} onSubmit={submit} heading="New model" alertTestId="model-alert">
      <div className="inline-fields">
        <OwnerSelect value={form.values.owner} onChange={(owner) => form.set('owner', owner)} error={form.problems.fields.owner} testId="model-owner" />
        <TextField label="Name" required hint="Letters, digits, “.”, “_” or “-”." testId="model-name" {...form.field('name')} />
      </div>
      <div className="inline-fields">
        <TextField label="Task" hint="classification, regression or your own (lower case)." list="model-task-options" testId="model-task" {...form.field('task')} />
        <TextField label="License" hint="An SPDX id such as MIT or Apache-2.0, or your own terms. Needed to publish." testId="model-license" {...form.field('license')} />
      </div>
      <datalist id="model-task-options">
        <option value="classification" />
        <option value="regression" />
      </datalist>
      <TextField label="Tags" hint="Comma-separated, lower case." testId="model-tags" {...form.field('tags')} />
      <Field label="Description (markdown)" error={description.error} testId="model-description">
        {(control) => <textarea {...control} name="description" rows={4} value={description.value} onChange={(event) => description.onChange(event.target.value)} />}
      </Field>
      <VisibilitySelect value={visibility} onChange={(value) => form.set('visibility', value)} error={form.problems.fields.visibility} testId="model-visibility-select" />
      <SubmitButton busy={form.busy} busyLabel="Creating…" testId="create-model">
        Create model
      </SubmitButton>
    </Form>
  );
}
