/** Log in with username or email and password; then back to where the user was going. */
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { LOG_IN } from '../api/auth-operations';
import { request } from '../api/graphql-client';
import type { AuthPayload } from '../api/types';
import { useSession } from '../auth/session-context';
import { usePageTitle } from '../components/use-page-title';
import { FormAlert } from '../forms/FormAlert';
import { TextField } from '../forms/TextField';
import { useFormSubmit } from '../forms/use-form-submit';
import { safeNext } from './safe-next';

const FIELDS = ['login', 'password'] as const;

export function LoginPage() {
  usePageTitle('Log in');
  const { startSession } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const notice = (location.state as { notice?: string } | null)?.notice ?? (params.get('next') ? 'Log in to see that page.' : null);

  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const { busy, problems, run } = useFormSubmit(FIELDS);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await run(() => request<{ logIn: AuthPayload }>(LOG_IN, { input: { login: login.trim(), password } }));
    if (!result) return;
    startSession(result.logIn);
    navigate(next, { replace: true });
  }

  return (
    <div className="page narrow">
      <h1>Log in</h1>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={submit} noValidate className="card form" aria-busy={busy}>
        <FormAlert message={problems.alert} />
        <TextField
          label="Username or email"
          name="login"
          autoComplete="username"
          required
          value={login}
          onChange={setLogin}
          error={problems.fields.login}
          testId="login-login"
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={setPassword}
          error={problems.fields.password}
          testId="login-password"
        />
        <button type="submit" className="button" disabled={busy} data-testid="login-submit">
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p>
        New here? <Link to={`/signup${location.search}`}>Create an account</Link>.
      </p>
    </div>
  );
}
