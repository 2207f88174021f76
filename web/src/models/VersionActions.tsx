/**
 * What a writer can do to a version, by its status: publish a draft (the hub wants a model card
 * and a license), deprecate a published version with a message saying why and what to use
 * instead, take a published or deprecated version back to draft; and, for admins, delete it.
 */
import { useState } from 'react';
import { request } from '../api/graphql-client';
import { ErrorMessage } from '../components/ErrorMessage';
import { RowActionButton } from '../components/RowActionButton';
import { useRowAction } from '../components/use-row-action';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { useForm } from '../forms/use-form';
import { DELETE_MODEL_VERSION, DEPRECATE_MODEL_VERSION, PUBLISH_MODEL_VERSION, UNPUBLISH_MODEL_VERSION } from './model-operations';
import type { ModelVersion } from './types';

export interface VersionActionsProps {
  owner: string;
  name: string;
  version: Pick<ModelVersion, 'id' | 'number' | 'status'>;
  canDelete: boolean;
  onChanged(): void;
  onDeleted(): void;
}

export function VersionActions({ owner, name, version, canDelete, onChanged, onDeleted }: VersionActionsProps) {
  const rowAction = useRowAction();
  const [deprecating, setDeprecating] = useState(false);
  const vars = { owner, name, number: version.number };
  const button = (action: string, label: string, busyLabel: string, document: string, extra: { confirm?: string; danger?: boolean; onDone?(): void } = {}) => (
    <RowActionButton
      rowAction={rowAction}
      row={version.id}
      name={action}
      label={label}
      busyLabel={busyLabel}
      action={() => request(document, vars)}
      onDone={extra.onDone ?? onChanged}
      confirm={extra.confirm}
      danger={extra.danger}
      ariaLabel={`${label} version ${version.number}`}
      testId={`version-${action}`}
    />
  );
  return (
    <div className="version-actions">
      <div className="row-actions">
        {version.status === 'DRAFT' && button('publish', 'Publish', 'Publishing…', PUBLISH_MODEL_VERSION)}
        {version.status === 'PUBLISHED' && (
          <button type="button" className="button secondary small" aria-expanded={deprecating} onClick={() => setDeprecating((d) => !d)} data-testid="version-deprecate">
            Deprecate…
          </button>
        )}
        {version.status !== 'DRAFT' &&
          button('unpublish', 'Unpublish', 'Unpublishing…', UNPUBLISH_MODEL_VERSION, { confirm: `Take version ${version.number} back to draft? Subscribers were told of it already.` })}
        {canDelete &&
          button('delete', 'Delete', 'Deleting…', DELETE_MODEL_VERSION, {
            confirm: `Delete version ${version.number} and its files? Its number is never given again.`,
            danger: true,
            onDone: onDeleted,
          })}
      </div>
      <ErrorMessage error={rowAction.error} testId="version-action-error" />
      {deprecating && version.status === 'PUBLISHED' && (
        <DeprecateForm
          owner={owner}
          name={name}
          number={version.number}
          onDone={() => {
            setDeprecating(false);
            onChanged();
          }}
        />
      )}
    </div>
  );
}

function DeprecateForm({ owner, name, number, onDone }: { owner: string; name: string; number: number; onDone(): void }) {
  const form = useForm({ message: '' });
  const message = form.field('message');
  async function submit() {
    if (await form.run(() => request(DEPRECATE_MODEL_VERSION, { owner, name, number, message: form.values.message.trim() }))) onDone();
  }
  return (
    <Form form={form} onSubmit={submit} className="form inset" alertTestId="deprecate-alert">
      <Field label="Why, and what to use instead" error={message.error} testId="deprecate-message">
        {(control) => <textarea {...control} rows={2} value={message.value} onChange={(event) => message.onChange(event.target.value)} />}
      </Field>
      <SubmitButton busy={form.busy} busyLabel="Deprecating…" testId="deprecate-submit">
        Deprecate version {number}
      </SubmitButton>
    </Form>
  );
}
