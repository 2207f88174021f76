/** Create an account; the hub starts a session at once. */
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { SIGN_UP } from '../api/auth-operations';
import { request } from '../api/graphql-client';
import type { AuthPayload } from '../api/types';
import { useSession } from '../auth/session-context';
import { usePageTitle } from '../components/use-page-title';
import { FormAlert } from '../forms/FormAlert';
import { TextField } from '../forms/TextField';
import { useFormSubmit } from '../forms/use-form-submit';
import { safeNext } from './safe-next';

const FIELDS = ['username', 'email', 'displayName', 'password'] as const;

export function SignUpPage() {
  usePageTitle('Sign up');
  const { startSession } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();

  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const { busy, problems, run } = useFormSubmit(FIELDS);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const input = {
      username: username.trim(),
      email: email.trim(),
      password,
      ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
    };
    const result = await run(() => request<{ signUp: AuthPayload }>(SIGN_UP, { input }));
    if (!result) return;
    startSession(result.signUp);
    navigate(safeNext(params.get('next')), { replace: true });
  }

  return (
    <div className="page narrow">
      <h1>Create your account</h1>
      <form onSubmit={submit} noValidate className="card form" aria-busy={busy}>
        <FormAlert message={problems.alert} />
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          required
          hint="1–39 letters, digits or single hyphens. It appears in the names of your models."
          value={username}
          onChange={setUsername}
          error={problems.fields.username}
          testId="signup-username"
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={setEmail}
          error={problems.fields.email}
          testId="signup-email"
        />
        <TextField
          label="Display name (optional)"
          name="displayName"
          autoComplete="name"
          value={displayName}
          onChange={setDisplayName}
          error={problems.fields.displayName}
          testId="signup-display-name"
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 8 characters."
          value={password}
          onChange={setPassword}
          error={problems.fields.password}
          testId="signup-password"
        />
        <button type="submit" className="button" disabled={busy} data-testid="signup-submit">
          {busy ? 'Creating account…' : 'Sign up'}
        </button>
      </form>
      <p>
        Already have an account? <Link to={`/login${location.search}`}>Log in</Link>.
      </p>
    </div>
  );
}
