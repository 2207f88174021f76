/**
 * "New dataset": an owner (the user or one of their organizations), a name, a markdown
 * description, a license, comma-separated tags and a visibility. The hub checks names and tags
 * and says what is wrong beside each field.
 */
import { CREATE_DATASET } from '../api/dataset-operations';
import { request } from '../api/graphql-client';
import type { Dataset, Visibility } from '../api/types';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { OwnerSelect, useMe } from '../forms/OwnerSelect';
import { splitTags } from '../forms/split-tags';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { VisibilitySelect } from '../forms/VisibilitySelect';

export function CreateDatasetForm({ onCreated }: { onCreated(dataset: Dataset): void }) {
  const me = useMe();
  const form = useForm({ owner: '', name: '', description: '', license: '', tags: '', visibility: 'PUBLIC' });
  const visibility = form.values.visibility as Visibility;

  async function submit() {
    const input = {
      owner: form.values.owner || me,
      name: form.values.name.trim(),
      description: form.values.description,
      license: form.values.license.trim(),
      tags: splitTags(form.values.tags),
      visibility,
    };
    const result = await form.run(() => request(CREATE_DATASET, { input }));
    if (result) onCreated(result.createDataset);
  }

  const description = form.field('description');
  return (
    <Form form={form} onSubmit={submit} heading="New dataset" alertTestId="dataset-alert">
      <OwnerSelect value={form.values.owner} onChange={(owner) => form.set('owner', owner)} error={form.problems.fields.owner} testId="dataset-owner" />
      <TextField label="Name" required hint="Letters, digits, “.”, “_” or “-”." testId="dataset-name" {...form.field('name')} />
      <Field label="Description (markdown)" error={description.error} testId="dataset-description">
        {(control) => (
          <textarea {...control} name="description" rows={5} value={description.value} onChange={(event) => description.onChange(event.target.value)} />
        )}
      </Field>
      <TextField label="License" hint="An SPDX id such as CC-BY-4.0, or your own terms." testId="dataset-license" {...form.field('license')} />
      <TextField label="Tags" hint="Comma-separated, lower case." testId="dataset-tags" {...form.field('tags')} />
      <VisibilitySelect value={visibility} onChange={(value) => form.set('visibility', value)} error={form.problems.fields.visibility} testId="dataset-visibility-select" />
      <SubmitButton busy={form.busy} busyLabel="Creating…" testId="create-dataset">
        Create dataset
      </SubmitButton>
    </Form>
  );
}
