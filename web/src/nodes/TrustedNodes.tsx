/**
 * Whom the user trusts with jobs that read their non-public data (private datasets, models,
 * architectures): their own nodes always; here, nodes added by id and providers (users) added by
 * username, each removable; and the operator-run nodes every user trusts. A job that reads private
 * data waits until one of these is online (the Jobs page says so).
 */
import { useState } from 'react';
import type { Document } from '../api/document';
import { request } from '../api/graphql-client';
import { TRUST_LIST, TRUST_NODE, TRUST_PROVIDER, UNTRUST_NODE, UNTRUST_PROVIDER } from '../api/compute-operations';
import type { TrustList, TrustNode } from '../api/types';
import { useQuery } from '../api/use-query';
import { ErrorMessage } from '../components/ErrorMessage';
import { StatusBadge } from '../components/StatusBadge';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';

/** The trust mutations, each answering the list as it now is. */
type TrustMutation = Document<Record<string, TrustList>, Record<string, string>>;

export function TrustedNodes() {
  const loaded = useQuery(TRUST_LIST);
  const [list, setList] = useState<TrustList | undefined>();
  const [error, setError] = useState<string | undefined>();
  const current = list ?? loaded.data?.trustList;

  /** Runs a trust mutation and shows the list it answers; throws its error (forms show it at their field). */
  async function change(operation: TrustMutation, variables: Record<string, string>, key: string): Promise<void> {
    setError(undefined);
    const result = await request(operation, variables);
    setList(result[key]);
  }

  /** The same for a Remove button, whose error shows above the lists. */
  function remove(operation: TrustMutation, variables: Record<string, string>, key: string): void {
    change(operation, variables, key).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }

  return (
    <div data-testid="trusted-nodes">
      <p className="muted">
        Jobs that read your private data run only on your own nodes, your organizations’ members’ nodes, the nodes and providers you
        trust here, and the nodes the hub’s operator runs. Public data runs on any node.
      </p>
      <ErrorMessage error={loaded.error} />
      <ErrorMessage error={error} testId="trust-alert" />
      <h2>Trusted nodes</h2>
      <NodeList
        nodes={current?.nodes ?? []}
        empty="You trust no other node by id."
        testId="trusted-node"
        onRemove={(node) => remove(UNTRUST_NODE, { nodeId: node.id }, 'untrustNode')}
      />
      <AddForm
        label="Node id"
        hint="Copy it from the Network tab."
        testId="trust-node"
        submit={(value) => change(TRUST_NODE, { nodeId: value }, 'trustNode')}
      />
      <h2>Trusted providers</h2>
      {current && current.providers.length === 0 && <p className="muted">You trust no provider.</p>}
      <ul className="plain-list">
        {current?.providers.map((p) => (
          <li key={p.username} data-testid="trusted-provider" data-username={p.username}>
            <span className="strong">{p.username}</span> (all their nodes){' '}
            <button type="button" className="link-button" onClick={() => remove(UNTRUST_PROVIDER, { username: p.username }, 'untrustProvider')} data-testid="trusted-provider-remove">
              Remove
            </button>
          </li>
        ))}
      </ul>
      <AddForm label="Username" hint="Every node of this user, now and later." testId="trust-provider" submit={(value) => change(TRUST_PROVIDER, { username: value }, 'trustProvider')} />
      <h2>Operator-run nodes</h2>
      <NodeList nodes={current?.operatorRunNodes ?? []} empty="This hub runs no node of its own." testId="operator-run-node" />
    </div>
  );
}

function NodeList({ nodes, empty, testId, onRemove }: { nodes: TrustNode[]; empty: string; testId: string; onRemove?(node: TrustNode): void }) {
  if (nodes.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="plain-list">
      {nodes.map((node) => (
        <li key={node.id} data-testid={testId} data-name={node.name}>
          <span className="strong">{node.name}</span> <span className="muted small">{node.owner?.username}</span> <StatusBadge status={node.status} />{' '}
          {onRemove && (
            <button type="button" className="link-button" onClick={() => onRemove(node)} data-testid={`${testId}-remove`}>
              Remove
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

function AddForm({ label, hint, testId, submit }: { label: string; hint: string; testId: string; submit(value: string): Promise<void> }) {
  const form = useForm({ value: '' });
  async function onSubmit() {
    const value = form.values.value.trim();
    if (!value) return;
    const done = await form.run(async () => {
      await submit(value);
      return true;
    });
    if (done) form.reset();
  }
  return (
    <Form form={form} onSubmit={onSubmit} className="form inline-form" alertTestId={`${testId}-alert`}>
      <div className="inline-fields">
        <TextField label={label} required maxLength={100} hint={hint} testId={`${testId}-input`} {...form.field('value')} />
        <SubmitButton busy={form.busy} busyLabel="Adding…" testId={`${testId}-add`}>
          Trust
        </SubmitButton>
      </div>
    </Form>
  );
}
