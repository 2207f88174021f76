/** Name, scopes and optional expiry for a new API key; reports the created key and its secret. */
import { useState } from 'react';
import { CREATE_API_KEY } from '../api/account-operations';
import { request } from '../api/graphql-client';
import { SCOPES, type ApiKey, type Scope } from '../api/types';
import { FieldError } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { SCOPE_LABELS } from './scope-labels';

export function CreateApiKeyForm({ onCreated }: { onCreated(apiKey: ApiKey, secret: string): void }) {
  const form = useForm({ name: '', expiresInDays: '' }, ['scopes']);
  const [scopes, setScopes] = useState<Set<Scope>>(() => new Set());

  function toggle(scope: Scope, on: boolean) {
    setScopes((current) => {
      const next = new Set(current);
      if (on) next.add(scope);
      else next.delete(scope);
      return next;
    });
  }

  async function submit() {
    const days = form.values.expiresInDays.trim();
    if (days && !/^\d+$/.test(days)) {
      form.setProblems({ fields: { expiresInDays: 'must be a whole number of days' }, alert: null });
      return;
    }
    const input = {
      name: form.values.name.trim(),
      scopes: SCOPES.filter((scope) => scopes.has(scope)),
      expiresInDays: days ? Number(days) : null,
    };
    const result = await form.run(() => request(CREATE_API_KEY, { input }));
    if (!result) return;
    form.reset();
    setScopes(new Set());
    onCreated(result.createApiKey.apiKey, result.createApiKey.secret);
  }

  const scopesError = form.problems.fields.scopes;
  return (
    <Form form={form} onSubmit={submit} heading="Create an API key" alertTestId="api-key-alert">
      <TextField
        label="Name"
        required
        maxLength={100}
        hint="Something to recognise it by, such as the program that uses it."
        testId="api-key-name"
        {...form.field('name')}
      />
      <fieldset className="scopes" aria-describedby={scopesError ? 'api-key-scopes-error' : undefined}>
        <legend>Scopes</legend>
        {SCOPES.map((scope) => (
          <label key={scope} className="checkbox">
            <input
              type="checkbox"
              name="scopes"
              value={scope}
              checked={scopes.has(scope)}
              onChange={(event) => toggle(scope, event.target.checked)}
              data-testid={`scope-${scope}`}
            />
            <span>
              <code>{scope}</code> <span className="muted">{SCOPE_LABELS[scope]}</span>
            </span>
          </label>
        ))}
        <FieldError id="api-key-scopes-error" message={scopesError} testId="api-key-scopes-error" />
      </fieldset>
      <TextField
        label="Expires after (days, optional)"
        inputMode="numeric"
        className="short"
        hint="Leave empty for a key that does not expire."
        testId="api-key-expires"
        {...form.field('expiresInDays')}
      />
      <SubmitButton busy={form.busy} busyLabel="Creating…" testId="create-api-key">
        Create key
      </SubmitButton>
    </Form>
  );
}
