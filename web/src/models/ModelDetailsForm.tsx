/** Writers change a model's task, tags, license and description (its visibility is the admins', in VisibilityForm). */
import { request } from '../api/graphql-client';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { splitTags } from '../forms/split-tags';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { UPDATE_MODEL } from './model-operations';
import type { ModelDetail } from './types';

export function ModelDetailsForm({ model, onSaved }: { model: ModelDetail; onSaved(): void }) {
  const form = useForm({ task: model.task, tags: model.tags.join(', '), license: model.license, description: model.description });
  const description = form.field('description');

  async function submit() {
    const input = { task: form.values.task.trim(), tags: splitTags(form.values.tags), license: form.values.license.trim(), description: form.values.description };
    if (await form.run(() => request(UPDATE_MODEL, { owner: model.owner, name: model.name, input }))) onSaved();
  }

  return (
    <Form form={form} onSubmit={submit} heading="Details" alertTestId="details-alert">
      <div className="inline-fields">
        <TextField label="Task" hint="classification, regression or your own." testId="details-task" {...form.field('task')} />
        <TextField label="License" hint="An SPDX id or your own terms. Needed to publish." testId="details-license" {...form.field('license')} />
      </div>
      <TextField label="Tags" hint="Comma-separated, lower case." testId="details-tags" {...form.field('tags')} />
      <Field label="Description (markdown)" error={description.error} testId="details-description">
        {(control) => <textarea {...control} rows={4} value={description.value} onChange={(event) => description.onChange(event.target.value)} />}
      </Field>
      <SubmitButton busy={form.busy} busyLabel="Saving…" testId="details-save">
        Save details
      </SubmitButton>
    </Form>
  );
}
