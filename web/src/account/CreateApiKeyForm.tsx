/** Name, scopes and optional expiry for a new API key; reports the created key and its secret. */
import { useState, type FormEvent } from 'react';
import { CREATE_API_KEY } from '../api/account-operations';
import { request } from '../api/graphql-client';
import { SCOPES, type ApiKey, type Scope } from '../api/types';
import { FormAlert } from '../forms/FormAlert';
import { TextField } from '../forms/TextField';
import { useFormSubmit } from '../forms/use-form-submit';
import { SCOPE_LABELS } from './scope-labels';

const FIELDS = ['name', 'scopes', 'expiresInDays'] as const;

export function CreateApiKeyForm({ onCreated }: { onCreated(apiKey: ApiKey, secret: string): void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Set<Scope>>(() => new Set());
  const [expiresInDays, setExpiresInDays] = useState('');
  const { busy, problems, run, setProblems } = useFormSubmit(FIELDS);

  function toggle(scope: Scope, on: boolean) {
    setScopes((current) => {
      const next = new Set(current);
      if (on) next.add(scope);
      else next.delete(scope);
      return next;
    });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const days = expiresInDays.trim();
    if (days && !/^\d+$/.test(days)) {
      setProblems({ fields: { expiresInDays: 'must be a whole number of days' }, alert: null });
      return;
    }
    const input = {
      name: name.trim(),
      scopes: SCOPES.filter((scope) => scopes.has(scope)),
      expiresInDays: days ? Number(days) : null,
    };
    const result = await run(() =>
      request<{ createApiKey: { apiKey: ApiKey; secret: string } }>(CREATE_API_KEY, { input }),
    );
    if (!result) return;
    setName('');
    setScopes(new Set());
    setExpiresInDays('');
    onCreated(result.createApiKey.apiKey, result.createApiKey.secret);
  }

  return (
    <form onSubmit={submit} noValidate className="form" aria-labelledby="create-key-heading" aria-busy={busy}>
      <h3 id="create-key-heading">Create an API key</h3>
      <FormAlert message={problems.alert} testId="api-key-alert" />
      <TextField
        label="Name"
        name="name"
        required
        maxLength={100}
        hint="Something to recognise it by, such as the program that uses it."
        value={name}
        onChange={setName}
        error={problems.fields.name}
        testId="api-key-name"
      />
      <fieldset className="scopes" aria-describedby={problems.fields.scopes ? 'api-key-scopes-error' : undefined}>
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
        {problems.fields.scopes && (
          <p id="api-key-scopes-error" className="field-error" data-testid="api-key-scopes-error">
            {problems.fields.scopes}
          </p>
        )}
      </fieldset>
      <TextField
        label="Expires after (days, optional)"
        name="expiresInDays"
        inputMode="numeric"
        className="short"
        hint="Leave empty for a key that does not expire."
        value={expiresInDays}
        onChange={setExpiresInDays}
        error={problems.fields.expiresInDays}
        testId="api-key-expires"
      />
      <button type="submit" className="button" disabled={busy} data-testid="create-api-key">
        {busy ? 'Creating…' : 'Create key'}
      </button>
    </form>
  );
}
