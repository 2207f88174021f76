/** The front page: what AI Mass is, and where to go. */
import { Link } from 'react-router';
import { useSession } from '../auth/session-context';
import { usePageTitle } from '../components/use-page-title';
import { SECTIONS } from '../sections';

export function HomePage() {
  usePageTitle('');
  const { state } = useSession();
  return (
    <div className="page">
      <h1>AI Mass</h1>
      <p className="lead">
        A self-hostable hub for sharing, training, evaluating and serving machine-learning models, on compute that its
        users contribute.
      </p>
      {state.status === 'signed-out' && (
        <p>
          <Link to="/signup" className="button">
            Create an account
          </Link>{' '}
          or <Link to="/login">log in</Link>. Public <Link to="/models">models</Link> and <Link to="/datasets">datasets</Link> are open to
          browse, search and download without one.
        </p>
      )}
      <ul className="section-list">
        {SECTIONS.map((section) => (
          <li key={section.path}>
            <Link to={section.path}>{section.label}</Link>
            <span className="muted">
              {' '}
              — {section.unavailable ?? section.description}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
