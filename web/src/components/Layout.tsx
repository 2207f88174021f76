/** The frame of every page: header with the sections and who is signed in, then the page. */
import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { useSession } from '../auth/session-context';
import { InboxLink } from '../notifications/InboxLink';
import { SECTIONS } from '../sections';

export function Layout() {
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="header-inner">
          <Link to="/" className="brand">
            AI Mass
          </Link>
          <nav aria-label="Sections" className="site-nav">
            <ul>
              {SECTIONS.map((section) => (
                <li key={section.path}>
                  <NavLink to={section.path} data-testid={`nav-${section.path.slice(1)}`}>
                    {section.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <UserMenu />
        </div>
      </header>
      <SessionBanner />
      <main id="main" className="content">
        <Outlet />
      </main>
    </div>
  );
}

function UserMenu() {
  const { state, endSession } = useSession();
  const navigate = useNavigate();
  if (state.status === 'loading') return <div className="user-menu" aria-busy="true" />;
  if (state.status === 'signed-in') {
    return (
      <div className="user-menu">
        <InboxLink userId={state.user.id} />
        <Link to="/account" className="username" data-testid="header-username">
          {state.user.username}
        </Link>
        <button
          type="button"
          className="button secondary small"
          data-testid="logout"
          onClick={async () => {
            await endSession();
            navigate('/');
          }}
        >
          Log out
        </button>
      </div>
    );
  }
  return (
    <div className="user-menu">
      <Link to="/login" data-testid="header-login">
        Log in
      </Link>
      <Link to="/signup" className="button small" data-testid="header-signup">
        Sign up
      </Link>
    </div>
  );
}

/** Said once, under the header, when the hub could not be asked who is signed in. */
function SessionBanner() {
  const { state, retry } = useSession();
  if (state.status !== 'unavailable') return null;
  return (
    <div className="banner" role="alert">
      {state.message}{' '}
      <button type="button" className="link-button" onClick={retry}>
        Try again
      </button>
    </div>
  );
}
