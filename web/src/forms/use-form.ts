/**
 * A form's text values and its submit state (see useFormSubmit) in one. `field(name)` gives what
 * a TextField needs for that value: its name, value, onChange and error, so a field is written
 * once as `<TextField label="…" {...form.field('name')} />`.
 */
import { useCallback, useRef, useState } from 'react';
import { useFormSubmit, type FormSubmit } from './use-form-submit';

export interface FieldBinding {
  name: string;
  value: string;
  onChange(value: string): void;
  error: string | undefined;
}

export interface FormState<K extends string> extends FormSubmit {
  values: Record<K, string>;
  field(name: K): FieldBinding;
  set(name: K, value: string): void;
  /** Back to the initial values. */
  reset(): void;
}

/** `otherFields`: names of fields the form keeps itself (a fieldset of checkboxes), for their errors. */
export function useForm<K extends string>(initial: Record<K, string>, otherFields: readonly string[] = []): FormState<K> {
  const initialValues = useRef(initial);
  const [values, setValues] = useState(initial);
  const submit = useFormSubmit([...Object.keys(initial), ...otherFields]);
  const set = useCallback((name: K, value: string) => setValues((current) => ({ ...current, [name]: value })), []);
  const reset = useCallback(() => setValues(initialValues.current), []);
  const field = (name: K): FieldBinding => ({
    name,
    value: values[name],
    onChange: (value) => set(name, value),
    error: submit.problems.fields[name],
  });
  return { ...submit, values, field, set, reset };
}
