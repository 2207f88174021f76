/** Create an account; the hub starts a session at once. */
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { SIGN_UP } from '../api/auth-operations';
import { request } from '../api/graphql-client';
import { useSession } from '../auth/session-context';
import { usePageTitle } from '../components/use-page-title';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { safeNext } from './safe-next';

export function SignUpPage() {
  usePageTitle('Sign up');
  const { startSession } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();

  const form = useForm({ username: '', email: '', displayName: '', password: '' });

  async function submit() {
    const { username, email, displayName, password } = form.values;
    const input = {
      username: username.trim(),
      email: email.trim(),
      password,
      ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
    };
    const result = await form.run(() => request(SIGN_UP, { input }));
    if (!result) return;
    startSession(result.signUp);
    navigate(safeNext(params.get('next')), { replace: true });
  }

  return (
    <div className="page narrow">
      <h1>Create your account</h1>
      <Form form={form} onSubmit={submit} className="card form">
        <TextField
          label="Username"
          autoComplete="username"
          required
          hint="1–39 letters, digits or single hyphens. It appears in the names of your models."
          testId="signup-username"
          {...form.field('username')}
        />
        <TextField label="Email" type="email" autoComplete="email" required testId="signup-email" {...form.field('email')} />
        <TextField label="Display name (optional)" autoComplete="name" testId="signup-display-name" {...form.field('displayName')} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 8 characters."
          testId="signup-password"
          {...form.field('password')}
        />
        <SubmitButton busy={form.busy} busyLabel="Creating account…" testId="signup-submit">
          Sign up
        </SubmitButton>
      </Form>
      <p>
        Already have an account? <Link to={`/login${location.search}`}>Log in</Link>.
      </p>
    </div>
  );
}
