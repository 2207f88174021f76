/**
 * Asking for read access to a dataset or a model the user cannot see. The hub answers the same
 * whether it exists or not (a private item is never confirmed), so the page says only that the
 * request went to its admins if there is one. A visitor without an account is asked to sign in.
 */
import { useState } from 'react';
import { useSession } from '../auth/session-context';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { SignInTo } from './SignInTo';

export interface RequestAccessFormProps {
  /** "dataset", "model" */
  what: string;
  request(message: string): Promise<unknown>;
}

export function RequestAccessForm({ what, request }: RequestAccessFormProps) {
  const { state } = useSession();
  const form = useForm({ message: '' });
  const [sent, setSent] = useState(false);
  if (state.status === 'signed-out') {
    return (
      <p data-testid="request-access">
        If it is private, its owner may let you in: <SignInTo action="request access" testId="sign-in-to-request-access" />
      </p>
    );
  }
  if (state.status !== 'signed-in') return null;
  if (sent) {
    return (
      <p role="status" data-testid="request-access-sent">
        Asked. If this {what} exists, its admins will decide, and you will hear of it in your account’s events.
      </p>
    );
  }
  async function submit() {
    if (await form.run(() => request(form.values.message.trim()))) setSent(true);
  }
  return (
    <div data-testid="request-access">
      <Form form={form} onSubmit={submit} heading={`Request access to this ${what}`} className="form inset" alertTestId="request-access-alert">
        <p className="muted">If it is private, its owner may give you read access.</p>
        <TextField label="Message (optional)" autoComplete="off" maxLength={1000} testId="request-access-message" {...form.field('message')} />
        <SubmitButton busy={form.busy} busyLabel="Asking…" testId="request-access-submit">
          Request access
        </SubmitButton>
      </Form>
    </div>
  );
}
