/**
 * Fork a model: a copy under the user or one of their organizations (every version as a draft,
 * the same files), recording where it came from. Opens a small form for the owner and the name
 * (the source's name by default); a name taken is said beside it.
 */
import { useState } from 'react';
import { request } from '../api/graphql-client';
import { formatNumber } from '../components/format';
import { Form, SubmitButton } from '../forms/Form';
import { OwnerSelect, useMe } from '../forms/OwnerSelect';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { FORK_MODEL } from './model-operations';

export interface ForkButtonProps {
  owner: string;
  name: string;
  forks: number;
  onForked(fork: { owner: string; name: string }): void;
}

export function ForkButton({ owner, name, forks, onForked }: ForkButtonProps) {
  const [open, setOpen] = useState(false);
  return (
    <span className="button-group popover-anchor">
      <button type="button" className="button secondary small" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="fork-button">
        Fork
      </button>
      <span className="count" aria-label={`${forks} forks`} data-testid="fork-count">
        {formatNumber(forks)}
      </span>
      {open && (
        <div className="popover card" data-testid="fork-panel">
          <ForkForm owner={owner} name={name} onForked={onForked} />
        </div>
      )}
    </span>
  );
}

function ForkForm({ owner, name, onForked }: Omit<ForkButtonProps, 'forks'>) {
  const me = useMe();
  const form = useForm({ owner: '', name });

  async function submit() {
    const input = { owner: form.values.owner || me, name: form.values.name.trim() || null };
    const result = await form.run(() => request(FORK_MODEL, { owner, name, input }));
    if (result) onForked(result.forkModel);
  }

  return (
    <Form form={form} onSubmit={submit} heading={`Fork ${owner}/${name}`} alertTestId="fork-alert">
      <OwnerSelect value={form.values.owner} onChange={(value) => form.set('owner', value)} error={form.problems.fields.owner} testId="fork-owner" />
      <TextField label="Name" testId="fork-name" {...form.field('name')} />
      <SubmitButton busy={form.busy} busyLabel="Forking…" testId="fork-submit">
        Fork
      </SubmitButton>
    </Form>
  );
}
