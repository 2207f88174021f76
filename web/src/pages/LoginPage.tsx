/** Log in with username or email and password; then back to where the user was going. */
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { LOG_IN } from '../api/auth-operations';
import { request } from '../api/graphql-client';
import { useSession } from '../auth/session-context';
import { usePageTitle } from '../components/use-page-title';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { safeNext } from './safe-next';

export function LoginPage() {
  usePageTitle('Log in');
  const { startSession } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const notice = (location.state as { notice?: string } | null)?.notice ?? (params.get('next') ? 'Log in to see that page.' : null);

  const form = useForm({ login: '', password: '' });

  async function submit() {
    const input = { login: form.values.login.trim(), password: form.values.password };
    const result = await form.run(() => request(LOG_IN, { input }));
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
      <Form form={form} onSubmit={submit} className="card form">
        <TextField label="Username or email" autoComplete="username" required testId="login-login" {...form.field('login')} />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          testId="login-password"
          {...form.field('password')}
        />
        <SubmitButton busy={form.busy} busyLabel="Logging in…" testId="login-submit">
          Log in
        </SubmitButton>
      </Form>
      <p>
        New here? <Link to={`/signup${location.search}`}>Create an account</Link>.
      </p>
    </div>
  );
}
