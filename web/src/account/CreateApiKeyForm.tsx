/**
 * Name, scopes, optional expiry and optional limits (requests per second, requests a day: the
 * inference front doors refuse calls over them) for a new API key; reports the created key and
 * its secret.
 */
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
  const form = useForm({ name: '', expiresInDays: '', requestsPerSecond: '', dailyRequests: '' }, ['scopes']);
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
    // The limits are asked (and sent) only for a key with the inference scope.
    const inference = scopes.has('INFERENCE');
    const rate = inference ? form.values.requestsPerSecond.trim() : '';
    if (rate && !(Number(rate) > 0)) {
      form.setProblems({ fields: { requestsPerSecond: 'must be a number above 0' }, alert: null });
      return;
    }
    const daily = inference ? form.values.dailyRequests.trim() : '';
    if (daily && !/^\d+$/.test(daily)) {
      form.setProblems({ fields: { dailyRequests: 'must be a whole number of requests' }, alert: null });
      return;
    }
    const input = {
      name: form.values.name.trim(),
      scopes: SCOPES.filter((scope) => scopes.has(scope)),
      expiresInDays: days ? Number(days) : null,
      // Sent only when given: a key without limits is limited by its owner's plan alone.
      ...(rate ? { requestsPerSecond: Number(rate) } : {}),
      ...(daily ? { dailyRequests: Number(daily) } : {}),
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
      {scopes.has('INFERENCE') && (
        <div className="inline-fields">
          <TextField
            label="Requests per second (optional)"
            inputMode="decimal"
            className="short"
            hint="Calls to deployments above this rate are refused with 429."
            testId="api-key-rate"
            {...form.field('requestsPerSecond')}
          />
          <TextField
            label="Requests a day (optional)"
            inputMode="numeric"
            className="short"
            hint="Calls to deployments after this many in a day are refused with 429."
            testId="api-key-daily"
            {...form.field('dailyRequests')}
          />
        </div>
      )}
      <SubmitButton busy={form.busy} busyLabel="Creating…" testId="create-api-key">
        Create key
      </SubmitButton>
    </Form>
  );
}
