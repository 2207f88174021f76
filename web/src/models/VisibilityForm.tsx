/** Admins change who may see a model. */
import { request } from '../api/graphql-client';
import { Form, SubmitButton } from '../forms/Form';
import { useForm } from '../forms/use-form';
import { VisibilitySelect } from '../forms/VisibilitySelect';
import { UPDATE_MODEL } from './model-operations';
import type { Visibility } from './types';

export function VisibilityForm({ owner, name, visibility, onSaved }: { owner: string; name: string; visibility: Visibility; onSaved(): void }) {
  const form = useForm({ visibility });
  async function submit() {
    if (await form.run(() => request(UPDATE_MODEL, { owner, name, input: { visibility: form.values.visibility as Visibility } }))) onSaved();
  }
  return (
    <Form form={form} onSubmit={submit} heading="Visibility" alertTestId="visibility-alert">
      <VisibilitySelect value={form.values.visibility as Visibility} onChange={(value) => form.set('visibility', value)} error={form.problems.fields.visibility} testId="settings-visibility" />
      <SubmitButton busy={form.busy} busyLabel="Saving…" testId="visibility-save">
        Save visibility
      </SubmitButton>
    </Form>
  );
}
