/** Handle and display name for a new organization; the creator becomes its owner. */
import { CREATE_ORGANIZATION } from '../api/account-operations';
import { request } from '../api/graphql-client';
import type { Organization } from '../api/types';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';

export function CreateOrganizationForm({ onCreated }: { onCreated(organization: Organization): void }) {
  const form = useForm({ handle: '', displayName: '' });

  async function submit() {
    const handle = form.values.handle.trim();
    const displayName = form.values.displayName.trim();
    const input = { handle, ...(displayName ? { displayName } : {}) };
    const result = await form.run(() => request(CREATE_ORGANIZATION, { input }));
    if (!result) return;
    form.reset();
    onCreated(result.createOrganization);
  }

  return (
    <Form form={form} onSubmit={submit} heading="Create an organization" alertTestId="org-alert">
      <div className="inline-fields">
        <TextField
          label="Handle"
          required
          hint="1–39 letters, digits or single hyphens; shared with usernames."
          testId="org-handle"
          {...form.field('handle')}
        />
        <TextField label="Display name (optional)" testId="org-display-name" {...form.field('displayName')} />
        <SubmitButton busy={form.busy} busyLabel="Creating…" testId="create-org">
          Create
        </SubmitButton>
      </div>
    </Form>
  );
}
