/**
 * Saving the spec as a named architecture. A new spec is saved as `owner/name` with a
 * description, tags and a visibility. A saved one that the user may change is updated in place
 * (spec, description, tags, visibility) or deleted; any one can also be saved as a copy under a
 * new name. The hub stores only a spec that validates: until the live check says it does, saving
 * waits, and says why.
 */
import { useId } from 'react';
import { request } from '../api/graphql-client';
import type { Visibility } from '../api/types';
import { ErrorMessage } from '../components/ErrorMessage';
import { useRowAction } from '../components/use-row-action';
import { Field, FieldError } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { OwnerSelect, useMe } from '../forms/OwnerSelect';
import { splitTags } from '../forms/split-tags';
import { TextField } from '../forms/TextField';
import { useForm, type FormState } from '../forms/use-form';
import { VisibilitySelect } from '../forms/VisibilitySelect';
import { CREATE_ARCHITECTURE, DELETE_ARCHITECTURE, UPDATE_ARCHITECTURE } from './architecture-operations';
import type { Architecture } from './types';

export interface SaveArchitectureProps {
  /** The saved architecture being edited, if any */
  architecture: Architecture | undefined;
  /** Whether the user may change it (the hub decides in the end) */
  canWrite: boolean;
  /** The spec to save; undefined while the JSON does not parse */
  spec: unknown;
  /** What the live check says of `spec`: undefined while it has not answered for it */
  valid: boolean | undefined;
  dirty: boolean;
  onSaved(architecture: Architecture, created: boolean): void;
  onDeleted(): void;
}

/** The hub names spec problems `spec.layers[3].units`: they are shown together, under the buttons' hint. */
const SPEC_FIELD = ['spec'];

export function SaveArchitecture({ architecture, canWrite, spec, valid, dirty, onSaved, onDeleted }: SaveArchitectureProps) {
  const blocked = spec === undefined ? 'Fix the JSON to save.' : valid === false ? 'Fix the problems the summary lists to save.' : null;
  if (architecture && canWrite) {
    return (
      <section className="card" aria-labelledby="save-heading">
        <h2 id="save-heading">Saved architecture</h2>
        <p className="muted small" data-testid="save-state">
          {dirty ? 'Unsaved changes.' : 'No unsaved changes.'}
        </p>
        <UpdateForm architecture={architecture} spec={spec} blocked={blocked} onSaved={(saved) => onSaved(saved, false)} onDeleted={onDeleted} />
        <details className="save-copy">
          <summary>Save a copy as…</summary>
          <CreateForm architecture={architecture} spec={spec} blocked={blocked} onSaved={(saved) => onSaved(saved, true)} />
        </details>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="save-heading">
      <h2 id="save-heading">{architecture ? 'Save a copy' : 'Save'}</h2>
      {architecture && (
        <p className="muted small">
          You may not change {architecture.owner}/{architecture.name}; save your own copy of it.
        </p>
      )}
      <CreateForm architecture={architecture} spec={spec} blocked={blocked} onSaved={(saved) => onSaved(saved, true)} />
    </section>
  );
}

interface CreateFormProps {
  architecture: Architecture | undefined;
  spec: unknown;
  blocked: string | null;
  onSaved(architecture: Architecture): void;
}

function CreateForm({ architecture, spec, blocked, onSaved }: CreateFormProps) {
  const me = useMe();
  const form = useForm(
    {
      owner: '',
      name: '',
      description: architecture?.description ?? '',
      tags: architecture?.tags.join(', ') ?? '',
      visibility: architecture?.visibility ?? 'PUBLIC',
    },
    SPEC_FIELD,
  );

  async function submit() {
    const input = {
      owner: form.values.owner || me,
      name: form.values.name.trim(),
      description: form.values.description,
      tags: splitTags(form.values.tags),
      visibility: form.values.visibility as Visibility,
      spec,
    };
    const result = await form.run(() => request(CREATE_ARCHITECTURE, { input }));
    if (result) onSaved(result.createArchitecture);
  }

  return (
    <Form form={form} onSubmit={submit} alertTestId="save-alert">
      <div className="inline-fields">
        <OwnerSelect value={form.values.owner} onChange={(owner) => form.set('owner', owner)} error={form.problems.fields.owner} testId="architecture-owner" />
        <TextField label="Name" required hint="Letters, digits, “.”, “_” or “-”." testId="architecture-name" {...form.field('name')} />
      </div>
      <ListingFields form={form} testIdPrefix="architecture" />
      <SaveButton form={form} blocked={blocked} label="Save" testId="save-architecture" />
    </Form>
  );
}

interface UpdateFormProps {
  architecture: Architecture;
  spec: unknown;
  blocked: string | null;
  onSaved(architecture: Architecture): void;
  onDeleted(): void;
}

function UpdateForm({ architecture, spec, blocked, onSaved, onDeleted }: UpdateFormProps) {
  const form = useForm({ description: architecture.description, tags: architecture.tags.join(', '), visibility: architecture.visibility }, SPEC_FIELD);
  const remove = useRowAction();
  const { owner, name } = architecture;

  async function submit() {
    const input = {
      description: form.values.description,
      tags: splitTags(form.values.tags),
      // Changing visibility needs admin: a writer who leaves it alone does not ask for it.
      ...(form.values.visibility !== architecture.visibility ? { visibility: form.values.visibility as Visibility } : {}),
      spec,
    };
    const result = await form.run(() => request(UPDATE_ARCHITECTURE, { owner, name, input }));
    if (result) onSaved(result.updateArchitecture);
  }

  return (
    <Form form={form} onSubmit={submit} alertTestId="update-alert">
      <p className="strong" data-testid="architecture-title">
        {owner}/{name}
      </p>
      <ListingFields form={form} testIdPrefix="update" />
      <ErrorMessage error={remove.error} />
      <div className="button-row">
        <SaveButton form={form} blocked={blocked} label="Save changes" testId="update-architecture" />
        <button
          type="button"
          className="button danger"
          disabled={remove.pending !== null}
          onClick={async () => {
            const confirm = `Delete the architecture ${owner}/${name}? This cannot be undone.`;
            if (await remove.run(architecture.id, 'delete', () => request(DELETE_ARCHITECTURE, { owner, name }), confirm)) onDeleted();
          }}
          data-testid="delete-architecture"
        >
          {remove.pending ? 'Deleting…' : 'Delete'}
        </button>
      </div>
    </Form>
  );
}

type ListingForm = FormState<'description' | 'tags' | 'visibility'>;

/** Description, tags and visibility: what both forms ask. */
function ListingFields({ form, testIdPrefix }: { form: ListingForm; testIdPrefix: string }) {
  const description = form.field('description');
  return (
    <>
      <Field label="Description (markdown)" error={description.error} testId={`${testIdPrefix}-description`}>
        {(control) => <textarea {...control} name="description" rows={3} value={description.value} onChange={(event) => description.onChange(event.target.value)} />}
      </Field>
      <TextField label="Tags" hint="Comma-separated, lower case." testId={`${testIdPrefix}-tags`} {...form.field('tags')} />
      <VisibilitySelect
        value={form.values.visibility as Visibility}
        onChange={(value) => form.set('visibility', value)}
        error={form.problems.fields.visibility}
        testId={`${testIdPrefix}-visibility`}
      />
    </>
  );
}

/** The submit button, held back (with the reason beside it) while the spec cannot be saved. */
function SaveButton({ form, blocked, label, testId }: { form: Pick<ListingForm, 'busy' | 'problems'>; blocked: string | null; label: string; testId: string }) {
  const id = useId();
  return (
    <>
      <FieldError id={`${id}-spec`} message={form.problems.fields.spec && `The hub refused the spec: ${form.problems.fields.spec}`} testId={`${testId}-spec-error`} />
      {blocked && <p className="hint">{blocked}</p>}
      <SubmitButton busy={form.busy || blocked !== null} busyLabel={form.busy ? 'Saving…' : label} testId={testId}>
        {label}
      </SubmitButton>
    </>
  );
}
