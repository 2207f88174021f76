/** Admins delete a model with its versions and aliases, after typing its `owner/name` (forks keep working). */
import { request } from '../api/graphql-client';
import { Form } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { DELETE_MODEL } from './model-operations';

export function DeleteModelForm({ owner, name, onDeleted }: { owner: string; name: string; onDeleted(): void }) {
  const form = useForm({ confirm: '' });
  const slug = `${owner}/${name}`;
  async function submit() {
    if (form.values.confirm.trim() !== slug) {
      form.setProblems({ fields: { confirm: `type ${slug} to confirm` }, alert: null });
      return;
    }
    if (await form.run(() => request(DELETE_MODEL, { owner, name }))) onDeleted();
  }
  return (
    <Form form={form} onSubmit={submit} heading="Delete this model" className="form danger-zone" alertTestId="delete-model-alert">
      <p className="small">Its versions, files and aliases go with it, for everyone. Forks of it keep working.</p>
      <TextField label={`Type ${slug} to confirm`} autoComplete="off" testId="delete-model-confirm" {...form.field('confirm')} />
      <button type="submit" className="button danger" disabled={form.busy} data-testid="delete-model">
        {form.busy ? 'Deleting…' : 'Delete model'}
      </button>
    </Form>
  );
}
