/**
 * Writing a draft's model card (markdown): a text area with a preview rendered exactly as the
 * page will show it (safely: see Markdown). Published versions are immutable; their cards are not
 * edited here.
 */
import { useState } from 'react';
import { request } from '../api/graphql-client';
import { Markdown } from '../components/Markdown';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { useForm } from '../forms/use-form';
import { SET_MODEL_CARD } from './model-operations';

/** A start for an empty card: the sections model cards usually have (Mitchell et al., "Model Cards for Model Reporting"). */
const TEMPLATE = `## Model details

What it is, who made it, and when.

## Intended use

What it is for, and what it is not for.

## Training data

## Evaluation

## Limitations and risks
`;

export interface CardEditorProps {
  owner: string;
  name: string;
  number: number;
  card: string;
  onSaved(): void;
  onCancel(): void;
}

export function CardEditor({ owner, name, number, card, onSaved, onCancel }: CardEditorProps) {
  const form = useForm({ card: card || TEMPLATE });
  const [preview, setPreview] = useState(false);
  const field = form.field('card');

  async function submit() {
    if (await form.run(() => request(SET_MODEL_CARD, { owner, name, number, card: form.values.card }))) onSaved();
  }

  return (
    <Form form={form} onSubmit={submit} alertTestId="card-alert">
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={!preview} className={preview ? 'tab' : 'tab selected'} onClick={() => setPreview(false)}>
          Write
        </button>
        <button type="button" role="tab" aria-selected={preview} className={preview ? 'tab selected' : 'tab'} onClick={() => setPreview(true)} data-testid="card-preview-tab">
          Preview
        </button>
      </div>
      {preview ? (
        <div className="card-preview">
          <Markdown text={form.values.card} empty="Nothing to preview." testId="card-preview" />
        </div>
      ) : (
        <Field label={`Model card of version ${number} (markdown)`} error={field.error} testId="card-text">
          {(control) => <textarea {...control} className="code-input" rows={16} value={field.value} onChange={(event) => field.onChange(event.target.value)} />}
        </Field>
      )}
      <div className="row-actions">
        <SubmitButton busy={form.busy} busyLabel="Saving…" testId="card-save">
          Save card
        </SubmitButton>
        <button type="button" className="button secondary" onClick={onCancel} data-testid="card-cancel">
          Cancel
        </button>
      </div>
    </Form>
  );
}
