/** Register a compute node by name; reports the node and its one-time token. */
import { useState, type FormEvent } from 'react';
import { REGISTER_NODE } from '../api/account-operations';
import { request } from '../api/graphql-client';
import type { NodeToken } from '../api/types';
import { FormAlert } from '../forms/FormAlert';
import { TextField } from '../forms/TextField';
import { useFormSubmit } from '../forms/use-form-submit';

const FIELDS = ['name'] as const;

export function RegisterNodeForm({ onRegistered }: { onRegistered(node: NodeToken, token: string): void }) {
  const [name, setName] = useState('');
  const { busy, problems, run } = useFormSubmit(FIELDS);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await run(() =>
      request<{ registerNode: { nodeToken: NodeToken; token: string } }>(REGISTER_NODE, { input: { name: name.trim() } }),
    );
    if (!result) return;
    setName('');
    onRegistered(result.registerNode.nodeToken, result.registerNode.token);
  }

  return (
    <form onSubmit={submit} noValidate className="form inline-form" aria-labelledby="register-node-heading" aria-busy={busy}>
      <h3 id="register-node-heading">Register a node</h3>
      <FormAlert message={problems.alert} testId="node-alert" />
      <div className="inline-fields">
        <TextField
          label="Node name"
          name="name"
          required
          maxLength={100}
          hint="For example the machine's host name."
          value={name}
          onChange={setName}
          error={problems.fields.name}
          testId="node-name"
        />
        <button type="submit" className="button" disabled={busy} data-testid="register-node">
          {busy ? 'Registering…' : 'Register node'}
        </button>
      </div>
    </form>
  );
}
