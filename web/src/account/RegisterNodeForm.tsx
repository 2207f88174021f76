/** Register a compute node by name; reports the node and its one-time token. */
import { REGISTER_NODE } from '../api/account-operations';
import { request } from '../api/graphql-client';
import type { NodeToken } from '../api/types';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';

export function RegisterNodeForm({ onRegistered }: { onRegistered(node: NodeToken, token: string): void }) {
  const form = useForm({ name: '' });

  async function submit() {
    const input = { name: form.values.name.trim() };
    const result = await form.run(() => request(REGISTER_NODE, { input }));
    if (!result) return;
    form.reset();
    onRegistered(result.registerNode.nodeToken, result.registerNode.token);
  }

  return (
    <Form form={form} onSubmit={submit} heading="Register a node" className="form inline-form" alertTestId="node-alert">
      <div className="inline-fields">
        <TextField
          label="Node name"
          required
          maxLength={100}
          hint="For example the machine's host name."
          testId="node-name"
          {...form.field('name')}
        />
        <SubmitButton busy={form.busy} busyLabel="Registering…" testId="register-node">
          Register node
        </SubmitButton>
      </div>
    </Form>
  );
}
