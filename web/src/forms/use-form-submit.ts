/**
 * Submit state for a form: busy while the action runs, and its error split into field messages
 * and an alert (see splitError). `run` resolves with the action's result, or undefined if it
 * failed.
 */
import { useCallback, useState } from 'react';
import { NO_PROBLEMS, splitError, type FormProblems } from './split-error';

export interface FormSubmit {
  busy: boolean;
  problems: FormProblems;
  run<T>(action: () => Promise<T>): Promise<T | undefined>;
  /** Shows a problem found before submitting (e.g. a check in the browser). */
  setProblems(problems: FormProblems): void;
}

export function useFormSubmit(formFields: readonly string[]): FormSubmit {
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<FormProblems>(NO_PROBLEMS);
  const fieldsKey = formFields.join('\n');

  const run = useCallback(
    async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
      setBusy(true);
      setProblems(NO_PROBLEMS);
      try {
        return await action();
      } catch (error) {
        setProblems(splitError(error, fieldsKey.split('\n')));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [fieldsKey],
  );

  return { busy, problems, run, setProblems };
}
