/**
 * A form as the portal writes them: validated by the hub (noValidate), busy while submitting, an
 * optional heading that names it, and its alert region first. `onSubmit` runs instead of the
 * browser's submission.
 */
import { useId, type ReactNode } from 'react';
import { FormAlert } from './FormAlert';
import type { FormSubmit } from './use-form-submit';

export interface FormProps {
  form: Pick<FormSubmit, 'busy' | 'problems'>;
  onSubmit(): unknown;
  heading?: string;
  className?: string;
  alertTestId?: string;
  children: ReactNode;
}

export function Form({ form, onSubmit, heading, className = 'form', alertTestId, children }: FormProps) {
  const headingId = useId();
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void onSubmit();
      }}
      noValidate
      className={className}
      aria-labelledby={heading ? headingId : undefined}
      aria-busy={form.busy}
    >
      {heading && <h3 id={headingId}>{heading}</h3>}
      <FormAlert message={form.problems.alert} testId={alertTestId} />
      {children}
    </form>
  );
}

/** The form's submit button: disabled, with `busyLabel`, while the form is busy. */
export function SubmitButton({ busy, busyLabel, testId, children }: { busy: boolean; busyLabel: string; testId: string; children: ReactNode }) {
  return (
    <button type="submit" className="button" disabled={busy} data-testid={testId}>
      {busy ? busyLabel : children}
    </button>
  );
}
