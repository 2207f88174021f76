/**
 * What a visitor without an account sees in place of a write action: a link to log in that
 * brings them back to this page ("Sign in to star", "Sign in to create a dataset").
 */
import { Link, useLocation } from 'react-router';

export function SignInTo({ action, testId = 'sign-in-to' }: { action: string; testId?: string }) {
  const location = useLocation();
  return (
    <Link to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} className="button secondary small" data-testid={testId}>
      Sign in to {action}
    </Link>
  );
}
