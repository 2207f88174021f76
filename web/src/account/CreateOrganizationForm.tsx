/** Handle and display name for a new organization; the creator becomes its owner. */
import { useState, type FormEvent } from 'react';
import { CREATE_ORGANIZATION } from '../api/account-operations';
import { request } from '../api/graphql-client';
import type { Organization } from '../api/types';
import { FormAlert } from '../forms/FormAlert';
import { TextField } from '../forms/TextField';
import { useFormSubmit } from '../forms/use-form-submit';

const FIELDS = ['handle', 'displayName'] as const;

export function CreateOrganizationForm({ onCreated }: { onCreated(organization: Organization): void }) {
  const [handle, setHandle] = useState('');
  const [displayName, setDisplayName] = useState('');
  const { busy, problems, run } = useFormSubmit(FIELDS);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const input = { handle: handle.trim(), ...(displayName.trim() ? { displayName: displayName.trim() } : {}) };
    const result = await run(() => request<{ createOrganization: Organization }>(CREATE_ORGANIZATION, { input }));
    if (!result) return;
    setHandle('');
    setDisplayName('');
    onCreated(result.createOrganization);
  }

  return (
    <form onSubmit={submit} noValidate className="form" aria-labelledby="create-org-heading" aria-busy={busy}>
      <h3 id="create-org-heading">Create an organization</h3>
      <FormAlert message={problems.alert} testId="org-alert" />
      <div className="inline-fields">
        <TextField
          label="Handle"
          name="handle"
          required
          hint="1–39 letters, digits or single hyphens; shared with usernames."
          value={handle}
          onChange={setHandle}
          error={problems.fields.handle}
          testId="org-handle"
        />
        <TextField
          label="Display name (optional)"
          name="displayName"
          value={displayName}
          onChange={setDisplayName}
          error={problems.fields.displayName}
          testId="org-display-name"
        />
        <button type="submit" className="button" disabled={busy} data-testid="create-org">
          {busy ? 'Creating…' : 'Create'}
        </button>
      </div>
    </form>
  );
}
