/**
 * The model catalog: a search box (full text over name, tags, description and model card, asked
 * of the hub once typing pauses), filters (task, tag, license, owner, framework, "best on" a
 * benchmark: the models ranked there, best first), a sort, and the
 * results page by page ("Load more"). The search lives in the URL, so it can be linked and
 * reloaded. "New model" opens the form for creating one (a visitor without an account, who sees
 * the public models, is asked to sign in instead).
 */
import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';
import { usePagedQuery } from '../api/use-paged-query';
import { useSession } from '../auth/session-context';
import { PagedListView } from '../components/ListView';
import { useDebouncedValue } from '../components/use-debounced-value';
import { usePageTitle } from '../components/use-page-title';
import { CatalogFilters } from '../models/CatalogFilters';
import { catalogVariables, readCatalogParams, writeCatalogParams, type CatalogParams } from '../models/catalog-params';
import { CreateModelForm } from '../models/CreateModelForm';
import { MODELS } from '../models/model-operations';
import { modelPath } from '../models/model-path';
import { ModelResults } from '../models/ModelResults';
import { MODEL_SORTS, type ModelSort, type ModelSummary } from '../models/types';
import { SignInTo } from '../sharing/SignInTo';
import '../models/models.css';

const SORT_LABELS: Record<ModelSort, string> = {
  RELEVANCE: 'Best match',
  BENCHMARK_RANK: 'Best on the benchmark',
  STARS: 'Most stars',
  DOWNLOADS: 'Most downloads',
  UPDATED: 'Recently updated',
  NEWEST: 'Newest',
};

export function ModelsPage() {
  usePageTitle('Models');
  const navigate = useNavigate();
  const { state: session } = useSession();
  const [params, setParams] = useSearchParams();
  const [draft, setDraft] = useState<CatalogParams>(() => readCatalogParams(params));
  const [creating, setCreating] = useState(false);
  const settled = useDebouncedValue(draft, 300);

  // Typing settles into the URL (replacing the entry, so Back leaves the catalog); a URL reached
  // another way (a tag link, Back) replaces what the fields show.
  const written = useRef(params.toString());
  const { pathname } = useLocation();
  useEffect(() => {
    // A click on a result starts a navigation in a transition while this page is still mounted:
    // typing that settles then must not write the catalog's URL over the model just opened.
    if (window.location.pathname !== pathname) return;
    const next = writeCatalogParams(settled).toString();
    if (next !== params.toString()) {
      written.current = next;
      setParams(next, { replace: true });
    }
  }, [settled]);
  useEffect(() => {
    if (params.toString() !== written.current) {
      written.current = params.toString();
      setDraft(readCatalogParams(params));
    }
  }, [params]);

  const applied = readCatalogParams(params);
  const list = usePagedQuery<ModelSummary>(MODELS, 'models', catalogVariables(applied), 30);
  const searching = applied.q.trim() !== '';
  // What the hub sorts by when none is chosen: the best matches for a search, else the latest updates.
  const typed = draft.q.trim() !== '';
  const ranked = draft.filters.bestOn.trim() !== '';
  const fallback = typed ? 'RELEVANCE' : ranked ? 'BENCHMARK_RANK' : 'UPDATED';
  const sort = (draft.sort === 'RELEVANCE' && !typed) || (draft.sort === 'BENCHMARK_RANK' && !ranked) ? fallback : (draft.sort ?? fallback);
  const narrowed = searching || Object.values(applied.filters).some(Boolean);

  return (
    <div className="page">
      <div className="page-heading dataset-heading">
        <div>
          <h1>Models</h1>
          <p className="muted">Public models, yours, your organizations’ and those shared with you: find one by what it does.</p>
        </div>
        {session.status === 'signed-out' ? (
          <SignInTo action="create a model" testId="sign-in-to-create-model" />
        ) : (
          <button type="button" className="button" onClick={() => setCreating((open) => !open)} aria-expanded={creating} data-testid="new-model">
            New model
          </button>
        )}
      </div>
      {creating && session.status === 'signed-in' && (
        <section className="card" data-testid="new-model-panel">
          <CreateModelForm onCreated={(model) => navigate(modelPath(model.owner, model.name))} />
        </section>
      )}
      <div className="page-grid catalog-grid">
        <section className="card" aria-labelledby="models-heading">
          <div className="toolbar">
            <h2 id="models-heading" className="visually-hidden">
              Models
            </h2>
            <label className="filter catalog-search">
              <span className="visually-hidden">Search models</span>
              <input
                type="search"
                value={draft.q}
                onChange={(event) => setDraft((current) => ({ ...current, q: event.target.value }))}
                placeholder="Search models: name, tags, words in the card…"
                data-testid="models-search"
              />
            </label>
            <label className="filter">
              <span>Sort</span>
              <select
                value={sort}
                onChange={(event) => setDraft((current) => ({ ...current, sort: event.target.value as ModelSort }))}
                data-testid="models-sort"
              >
                {MODEL_SORTS.filter((option) => (option !== 'RELEVANCE' || typed) && (option !== 'BENCHMARK_RANK' || ranked)).map((option) => (
                  <option key={option} value={option}>
                    {SORT_LABELS[option]}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <PagedListView list={list}>
            {(models) => <ModelResults models={models} empty={narrowed ? 'No model matches this search.' : 'There are no models yet: create the first.'} />}
          </PagedListView>
        </section>
        <aside className="card">
          <CatalogFilters
            values={draft.filters}
            onChange={(name, value) => setDraft((current) => ({ ...current, filters: { ...current.filters, [name]: value } }))}
            onClear={() => setDraft((current) => ({ ...current, filters: readCatalogParams(new URLSearchParams()).filters }))}
          />
        </aside>
      </div>
    </div>
  );
}
