/**
 * A labelled form control with its hint and its error, wired for screen readers: the control
 * gets an id, `aria-invalid` and `aria-describedby` through the props `children` receives. The
 * error carries `data-testid="<testId>-error"`.
 */
import { useId, type ReactNode } from 'react';

export interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
  'data-testid': string | undefined;
}

export interface FieldProps {
  label: string;
  error?: string;
  hint?: string;
  testId?: string;
  id?: string;
  children(control: ControlProps): ReactNode;
}

export function Field({ label, error, hint, testId, id, children }: FieldProps) {
  const generated = useId();
  const controlId = id ?? generated;
  const hintId = `${controlId}-hint`;
  const errorId = `${controlId}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={controlId}>{label}</label>
      {children({ id: controlId, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy, 'data-testid': testId })}
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      <FieldError id={errorId} message={error} testId={testId ? `${testId}-error` : undefined} />
    </div>
  );
}

/** The message beside a field (or a fieldset) that the hub or the browser found wrong. */
export function FieldError({ id, message, testId }: { id: string; message: string | undefined; testId?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error" data-testid={testId}>
      {message}
    </p>
  );
}
