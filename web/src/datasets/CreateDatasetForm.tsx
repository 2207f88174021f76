/**
 * "New dataset": an owner (the user or one of their organizations), a name, a markdown
 * description, a license, comma-separated tags and a visibility. The hub checks names and tags
 * and says what is wrong beside each field.
 */
import { CREATE_DATASET } from '../api/dataset-operations';
import { request } from '../api/graphql-client';
import { DATASET_VISIBILITIES, type Dataset, type DatasetVisibility } from '../api/types';
import { useSession } from '../auth/session-context';
import { statusWord } from '../components/format';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { useMyOrganizations } from './use-can-write';

const VISIBILITY_HINTS: Record<DatasetVisibility, string> = {
  PUBLIC: 'Listed for everyone.',
  UNLISTED: 'Not listed; anyone with its name can read it.',
  PRIVATE: 'Only the owner (and the organization’s members) can see it.',
};

export function CreateDatasetForm({ onCreated }: { onCreated(dataset: Dataset): void }) {
  const { state } = useSession();
  const me = state.status === 'signed-in' ? state.user.username : '';
  const { organizations } = useMyOrganizations();
  const form = useForm({ owner: '', name: '', description: '', license: '', tags: '', visibility: 'PUBLIC' });
  const visibility = form.values.visibility as DatasetVisibility;

  async function submit() {
    const tags = form.values.tags
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean);
    const input = {
      owner: form.values.owner || me,
      name: form.values.name.trim(),
      description: form.values.description,
      license: form.values.license.trim(),
      tags,
      visibility,
    };
    const result = await form.run(() => request<{ createDataset: Dataset }>(CREATE_DATASET, { input }));
    if (result) onCreated(result.createDataset);
  }

  const description = form.field('description');
  return (
    <Form form={form} onSubmit={submit} heading="New dataset" alertTestId="dataset-alert">
      <Field label="Owner" error={form.problems.fields.owner} testId="dataset-owner">
        {(control) => (
          <select {...control} name="owner" value={form.values.owner || me} onChange={(event) => form.set('owner', event.target.value)}>
            <option value={me}>{me} (you)</option>
            {organizations?.map((organization) => (
              <option key={organization.id} value={organization.handle}>
                {organization.handle}
              </option>
            ))}
          </select>
        )}
      </Field>
      <TextField label="Name" required hint="Letters, digits, “.”, “_” or “-”." testId="dataset-name" {...form.field('name')} />
      <Field label="Description (markdown)" error={description.error} testId="dataset-description">
        {(control) => (
          <textarea {...control} name="description" rows={5} value={description.value} onChange={(event) => description.onChange(event.target.value)} />
        )}
      </Field>
      <TextField label="License" hint="An SPDX id such as CC-BY-4.0, or your own terms." testId="dataset-license" {...form.field('license')} />
      <TextField label="Tags" hint="Comma-separated, lower case." testId="dataset-tags" {...form.field('tags')} />
      <Field label="Visibility" hint={VISIBILITY_HINTS[visibility]} error={form.problems.fields.visibility} testId="dataset-visibility-select">
        {(control) => (
          <select {...control} name="visibility" value={visibility} onChange={(event) => form.set('visibility', event.target.value)}>
            {DATASET_VISIBILITIES.map((option) => (
              <option key={option} value={option}>
                {statusWord(option)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <SubmitButton busy={form.busy} busyLabel="Creating…" testId="create-dataset">
        Create dataset
      </SubmitButton>
    </Form>
  );
}
