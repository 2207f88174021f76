/** A labelled text input with its hint and its error (see Field). */
import type { InputHTMLAttributes } from 'react';
import { Field } from './Field';

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> {
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string;
  hint?: string;
  testId?: string;
}

export function TextField({ label, value, onChange, error, hint, testId, id, ...input }: TextFieldProps) {
  return (
    <Field label={label} error={error} hint={hint} testId={testId} id={id}>
      {(control) => <input {...input} {...control} value={value} onChange={(event) => onChange(event.target.value)} />}
    </Field>
  );
}
