import { Link, useLocation } from 'react-router';
import { usePageTitle } from '../components/use-page-title';

/** Any path the portal does not know. */
export function NotFoundPage() {
  usePageTitle('Not found');
  const { pathname } = useLocation();
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        There is nothing at <code>{pathname}</code>. <Link to="/">Go to the front page</Link>.
      </p>
    </div>
  );
}
