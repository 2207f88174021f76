/**
 * The data market: the user's datasets, their organizations' and every public one, newest
 * first, with "Load more" and a search box that asks the hub (full-text over name, tags and
 * description, best matches first) once typing pauses. Beside them, the form for a new dataset
 * (a visitor without an account sees the public datasets and is asked to sign in to create one).
 */
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { DATASETS } from '../api/dataset-operations';
import type { DatasetListItem } from '../api/types';
import { usePagedQuery } from '../api/use-paged-query';
import { useSession } from '../auth/session-context';
import { PagedListView } from '../components/ListView';
import { useDebouncedValue } from '../components/use-debounced-value';
import { usePageTitle } from '../components/use-page-title';
import { CreateDatasetForm } from '../datasets/CreateDatasetForm';
import { datasetPath } from '../datasets/dataset-path';
import { DatasetsTable } from '../datasets/DatasetsTable';
import { SignInTo } from '../sharing/SignInTo';

export function DatasetsPage() {
  usePageTitle('Datasets');
  const navigate = useNavigate();
  const { state: session } = useSession();
  const [filter, setFilter] = useState('');
  const search = useDebouncedValue(filter.trim());
  const list = usePagedQuery<DatasetListItem>(DATASETS, 'datasets', search ? { search } : {}, 50);

  return (
    <div className="page">
      <div className="page-heading">
        <h1>Datasets</h1>
        <p className="muted">Yours, your organizations’ and public ones: cleaned, typed and profiled on upload.</p>
      </div>
      <div className="page-grid">
        <section className="card" aria-labelledby="datasets-heading">
          <div className="toolbar">
            <h2 id="datasets-heading">Datasets</h2>
            <label className="filter">
              <span>Search</span>
              <input type="search" value={filter} onChange={(event) => setFilter(event.target.value)} placeholder="name, tag, words…" data-testid="datasets-filter" />
            </label>
          </div>
          <PagedListView list={list}>
            {(datasets) => (
              <DatasetsTable
                datasets={datasets}
                empty={search ? 'No dataset matches this search.' : 'There are no datasets yet: create the first.'}
              />
            )}
          </PagedListView>
        </section>
        <aside className="card">
          {session.status === 'signed-out' ? (
            <>
              <h2>Share a dataset</h2>
              <p className="muted">Anyone may browse, search and export public datasets; uploading needs an account.</p>
              <SignInTo action="create a dataset" testId="sign-in-to-create-dataset" />
            </>
          ) : (
            <CreateDatasetForm onCreated={(dataset) => navigate(datasetPath(dataset.owner, dataset.name))} />
          )}
        </aside>
      </div>
    </div>
  );
}
