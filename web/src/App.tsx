/**
 * The portal's routes. Client-side routing over the History API; the hub answers every other
 * GET with index.html, so deep links such as /account work on reload.
 */
import { lazy, Suspense } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { AccountPage } from './pages/AccountPage';
import { DatasetsPage } from './pages/DatasetsPage';
import { HomePage } from './pages/HomePage';
import { JobPage } from './pages/JobPage';
import { JobsPage } from './pages/JobsPage';
import { LoginPage } from './pages/LoginPage';
import { NodesPage } from './pages/NodesPage';
import { NotificationsPage } from './pages/NotificationsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OrganizationPage } from './pages/OrganizationPage';
import { PlaceholderPage } from './pages/PlaceholderPage';
import { SignUpPage } from './pages/SignUpPage';
import { RequireAuth } from './auth/RequireAuth';
import { SessionProvider } from './auth/SessionProvider';
import { Layout } from './components/Layout';
import { SECTIONS } from './sections';

// The dataset pages bring the markdown renderer and the chart library: loaded when first opened.
const DatasetPage = lazy(() => import('./pages/DatasetPage').then((module) => ({ default: module.DatasetPage })));
const DatasetUploadPage = lazy(() => import('./pages/DatasetUploadPage').then((module) => ({ default: module.DatasetUploadPage })));
// The model pages bring the markdown renderer too.
const ModelsPage = lazy(() => import('./pages/ModelsPage').then((module) => ({ default: module.ModelsPage })));
const ModelPage = lazy(() => import('./pages/ModelPage').then((module) => ({ default: module.ModelPage })));
// The model editor brings CodeMirror.
const EditorPage = lazy(() => import('./pages/EditorPage').then((module) => ({ default: module.EditorPage })));
// The benchmark pages bring the markdown renderer.
const BenchmarksPage = lazy(() => import('./pages/BenchmarksPage').then((module) => ({ default: module.BenchmarksPage })));
const BenchmarkPage = lazy(() => import('./pages/BenchmarkPage').then((module) => ({ default: module.BenchmarkPage })));
// The Lab brings CodeMirror's SQL support and the chart library.
const LabPage = lazy(() => import('./pages/LabPage').then((module) => ({ default: module.LabPage })));
// The deployment pages bring the chart library.
const DeploymentsPage = lazy(() => import('./pages/DeploymentsPage').then((module) => ({ default: module.DeploymentsPage })));
const DeploymentPage = lazy(() => import('./pages/DeploymentPage').then((module) => ({ default: module.DeploymentPage })));
const loading = <p className="muted">Loading…</p>;

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Routes>
          <Route element={<Layout />}>
            <Route index element={<HomePage />} />
            {SECTIONS.filter((section) => section.unavailable).map((section) => (
              <Route key={section.path} path={section.path} element={<PlaceholderPage section={section} />} />
            ))}
            {/* Public browsing: visitors without an account read public models and datasets. */}
            <Route path="/datasets" element={<DatasetsPage />} />
            <Route
              path="/datasets/:owner/:name"
              element={
                <Suspense fallback={loading}>
                  <DatasetPage />
                </Suspense>
              }
            />
            <Route
              path="/leaderboards"
              element={
                <Suspense fallback={loading}>
                  <BenchmarksPage />
                </Suspense>
              }
            />
            <Route
              path="/leaderboards/:owner/:name"
              element={
                <Suspense fallback={loading}>
                  <BenchmarkPage />
                </Suspense>
              }
            />
            <Route
              path="/models"
              element={
                <Suspense fallback={loading}>
                  <ModelsPage />
                </Suspense>
              }
            />
            <Route
              path="/models/:owner/:name"
              element={
                <Suspense fallback={loading}>
                  <ModelPage />
                </Suspense>
              }
            />
            <Route element={<RequireAuth />}>
              <Route path="/account" element={<AccountPage />} />
              <Route path="/organizations/:handle" element={<OrganizationPage />} />
              <Route path="/nodes" element={<NodesPage />} />
              <Route path="/jobs" element={<JobsPage />} />
              <Route path="/jobs/:id" element={<JobPage />} />
              <Route path="/notifications" element={<NotificationsPage />} />
              <Route
                path="/editor/:owner?/:name?"
                element={
                  <Suspense fallback={loading}>
                    <EditorPage />
                  </Suspense>
                }
              />
              <Route
                path="/deployments"
                element={
                  <Suspense fallback={loading}>
                    <DeploymentsPage />
                  </Suspense>
                }
              />
              <Route
                path="/deployments/:owner/:name"
                element={
                  <Suspense fallback={loading}>
                    <DeploymentPage />
                  </Suspense>
                }
              />
              <Route
                path="/lab"
                element={
                  <Suspense fallback={loading}>
                    <LabPage />
                  </Suspense>
                }
              />
              <Route
                path="/datasets/:owner/:name/upload"
                element={
                  <Suspense fallback={loading}>
                    <DatasetUploadPage />
                  </Suspense>
                }
              />
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
