/**
 * The portal's routes. Client-side routing over the History API; the hub answers every other
 * GET with index.html, so deep links such as /account work on reload.
 */
import { BrowserRouter, Route, Routes } from 'react-router';
import { AccountPage } from './pages/AccountPage';
import { HomePage } from './pages/HomePage';
import { JobPage } from './pages/JobPage';
import { JobsPage } from './pages/JobsPage';
import { LoginPage } from './pages/LoginPage';
import { NodesPage } from './pages/NodesPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PlaceholderPage } from './pages/PlaceholderPage';
import { SignUpPage } from './pages/SignUpPage';
import { RequireAuth } from './auth/RequireAuth';
import { SessionProvider } from './auth/SessionProvider';
import { Layout } from './components/Layout';
import { SECTIONS } from './sections';

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<HomePage />} />
            {SECTIONS.filter((section) => section.comingNext).map((section) => (
              <Route key={section.path} path={section.path} element={<PlaceholderPage section={section} />} />
            ))}
            <Route element={<RequireAuth />}>
              <Route path="/account" element={<AccountPage />} />
              <Route path="/nodes" element={<NodesPage />} />
              <Route path="/jobs" element={<JobsPage />} />
              <Route path="/jobs/:id" element={<JobPage />} />
            </Route>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/signup" element={<SignUpPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  );
}
