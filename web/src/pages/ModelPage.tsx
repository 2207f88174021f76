/**
 * One model: its header (star, fork, subscribe), then three tabs (`?tab=`): the model card of the
 * selected version (`?version=N`, the newest by default) with its metrics, signature and lineage,
 * for writers its retraining (models/ModelRetraining.tsx: triggers, next run, runs, Run now and
 * Pause) and its promotion to production (models/ContinuousTraining.tsx: the promotion rule,
 * comparisons with production, promote and roll back), the model's standings on benchmarks
 * (models/ModelStandings.tsx), beside the versions, the
 * aliases and how to load it with TF.js; the files of that version with their download links,
 * and (for writers) the upload of a new version; and (for writers and admins) the settings:
 * details, visibility, collaborators, access requests, deletion. A model the user may not see is
 * "not found", as the hub says, with a form to request access. Visitors without an account read
 * public models here too.
 */
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { request } from '../api/graphql-client';
import { useQuery } from '../api/use-query';
import { ItemPlaceholder } from '../components/ItemPlaceholder';
import { Markdown } from '../components/Markdown';
import { usePageTitle } from '../components/use-page-title';
import { ModelDeployments } from '../deployments/ModelDeployments';
import { AliasesPanel } from '../models/AliasesPanel';
import { ContinuousTraining } from '../models/ContinuousTraining';
import { DeleteModelForm } from '../models/DeleteModelForm';
import { FilesTable } from '../models/FilesTable';
import { LoadSnippet } from '../models/LoadSnippet';
import { ModelDetailsForm } from '../models/ModelDetailsForm';
import { ModelHeader } from '../models/ModelHeader';
import { ModelRetraining } from '../models/ModelRetraining';
import { ModelStandings } from '../models/ModelStandings';
import { DECIDE_MODEL_ACCESS_REQUEST, MODEL, REQUEST_MODEL_ACCESS, SET_MODEL_COLLABORATOR } from '../models/model-operations';
import type { ModelDetail } from '../models/types';
import { UploadVersionForm } from '../models/UploadVersionForm';
import { useModelAccess, type ModelAccessState } from '../models/use-model-access';
import { VersionsTable } from '../models/VersionsTable';
import { VersionView } from '../models/VersionView';
import { VisibilityForm } from '../models/VisibilityForm';
import { AccessRequestsPanel } from '../sharing/AccessRequestsPanel';
import { CollaboratorsPanel } from '../sharing/CollaboratorsPanel';
import { RequestAccessForm } from '../sharing/RequestAccessForm';
import '../models/models.css';

const TABS = [
  { id: 'card', label: 'Model card' },
  { id: 'files', label: 'Files and versions' },
  { id: 'settings', label: 'Settings' },
] as const;
type Tab = (typeof TABS)[number]['id'];

export function ModelPage() {
  const { owner = '', name = '' } = useParams();
  usePageTitle(`${owner}/${name}`);
  const { data, error, reload } = useQuery(MODEL, { owner, name });
  const access = useModelAccess(owner, name);
  // Until the answer for this owner/name arrives (after following a link from another model), or
  // when it is gone (deleted meanwhile), show no other model's copy.
  const model = data?.model && same(data.model, owner, name) ? data.model : undefined;
  if (!model || error?.code === 'NOT_FOUND') {
    return (
      <div className="page">
        <p>
          <Link to="/models">← All models</Link>
        </p>
        <ItemPlaceholder error={error} what="Model" slug={`${owner}/${name}`} notFoundTestId="model-not-found" />
        {error?.code === 'NOT_FOUND' && <RequestAccessForm what="model" request={(message) => request(REQUEST_MODEL_ACCESS, { owner, name, message })} />}
      </div>
    );
  }
  return <ModelDetails key={model.id} model={model} access={access} reload={reload} />;
}

function same(model: ModelDetail, owner: string, name: string): boolean {
  return model.owner.toLowerCase() === owner.toLowerCase() && model.name.toLowerCase() === name.toLowerCase();
}

function ModelDetails({ model, access, reload }: { model: ModelDetail; access: ModelAccessState; reload(): void }) {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const canWrite = access.access === 'write' || access.access === 'admin';
  const canAdmin = access.access === 'admin';
  const asked = Number(params.get('version'));
  const selected = model.versions.find((version) => version.number === asked) ?? model.versions[0];
  const tabs = TABS.filter((tab) => tab.id !== 'settings' || canWrite);
  const tab: Tab = tabs.find((t) => t.id === params.get('tab'))?.id ?? 'card';

  /** Changes the query, keeping the rest: `{ version: '3' }`, `{ tab: 'files' }`. */
  const go = (change: Record<string, string | null>) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      for (const [key, value] of Object.entries(change)) {
        if (value === null) next.delete(key);
        else next.set(key, value);
      }
      return next;
    });
  const select = (number: number) => go({ version: String(number) });
  const versionNumbers = model.versions.map((version) => version.number);
  const selectedAliases = model.aliases.filter((alias) => alias.number === selected?.number).map((alias) => alias.alias);

  return (
    <div className="page">
      <p>
        <Link to="/models">← All models</Link>
      </p>
      <ModelHeader model={model} />

      <div className="tabs" role="tablist" aria-label="Model">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={t.id === tab}
            className={t.id === tab ? 'tab selected' : 'tab'}
            onClick={() => go({ tab: t.id === 'card' ? null : t.id })}
            data-testid={`tab-${t.id}`}
          >
            {t.label}
            {t.id === 'files' && <span className="muted small"> {model.versions.length}</span>}
          </button>
        ))}
      </div>

      {tab === 'card' && (
        <div className="page-grid model-grid" role="tabpanel">
          <div>
            {selected ? (
              <VersionView key={selected.id} owner={model.owner} name={model.name} version={selected} access={access.access} onChanged={reload} onDeleted={() => {
                go({ version: null });
                reload();
              }} />
            ) : (
              <section className="card tab-panel" data-testid="no-versions">
                <h2>No versions yet</h2>
                {canWrite ? (
                  <p>
                    Upload a TF.js layers model (model.json and its weight shards) to make the first version.{' '}
                    <button type="button" className="button small" onClick={() => go({ tab: 'files' })} data-testid="upload-first">
                      Upload the first version
                    </button>
                  </p>
                ) : (
                  <p className="muted">Nothing has been uploaded to this model yet.</p>
                )}
              </section>
            )}
            {canWrite && <ModelRetraining owner={model.owner} name={model.name} />}
            <ModelStandings owner={model.owner} name={model.name} canWrite={canWrite} />
            <ContinuousTraining owner={model.owner} name={model.name} canWrite={canWrite} onChanged={reload} />
            <ModelDeployments owner={model.owner} name={model.name} />
          </div>
          <aside>
            <section className="card" aria-labelledby="about-heading">
              <h2 id="about-heading">About</h2>
              <Markdown text={model.description} empty="No description." testId="model-description" />
            </section>
            {selected && (
              <section className="card">
                <LoadSnippet owner={model.owner} name={model.name} number={selected.number} aliases={selectedAliases} visibility={model.visibility} />
              </section>
            )}
            <section className="card" aria-labelledby="versions-heading">
              <h2 id="versions-heading">Versions</h2>
              <VersionsTable versions={model.versions} selected={selected} aliases={model.aliases} onSelect={select} empty="No versions yet." />
            </section>
            <section className="card" aria-labelledby="aliases-heading">
              <h2 id="aliases-heading">Aliases</h2>
              <AliasesPanel
                owner={model.owner}
                name={model.name}
                aliases={model.aliases}
                versions={versionNumbers}
                selected={selected?.number}
                canWrite={canWrite}
                onSelect={select}
                onChanged={reload}
              />
            </section>
          </aside>
        </div>
      )}

      {tab === 'files' && (
        <div role="tabpanel">
          <section className="card tab-panel" aria-labelledby="files-heading">
            <h2 id="files-heading">{selected ? `Files of version ${selected.number}` : 'Files'}</h2>
            {selected ? (
              <FilesTable owner={model.owner} name={model.name} number={selected.number} visibility={model.visibility} files={selected.files} />
            ) : (
              <p className="muted">No versions yet.</p>
            )}
          </section>
          {canWrite && (
            <section className="card" data-testid="upload-panel">
              <UploadVersionForm
                owner={model.owner}
                name={model.name}
                onUploaded={(version) => {
                  go({ version: String(version.number), tab: null });
                  reload();
                }}
              />
            </section>
          )}
          <section className="card" aria-labelledby="all-versions-heading">
            <h2 id="all-versions-heading">Versions</h2>
            <VersionsTable versions={model.versions} selected={selected} aliases={model.aliases} onSelect={select} empty="No versions yet." detailed />
          </section>
        </div>
      )}

      {tab === 'settings' && canWrite && (
        <div className="settings-grid" role="tabpanel">
          <section className="card tab-panel">
            <ModelDetailsForm key={model.updatedAt} model={model} onSaved={reload} />
          </section>
          {canAdmin && (
            <section className="card">
              <VisibilityForm key={model.visibility} owner={model.owner} name={model.name} visibility={model.visibility} onSaved={reload} />
            </section>
          )}
          <section className="card">
            {access.collaborators ? (
              <CollaboratorsPanel
                collaborators={access.collaborators}
                canAdmin={canAdmin}
                empty="No collaborators: only the owner (and its organization’s members) work on it."
                setRole={(username, role) => request(SET_MODEL_COLLABORATOR, { owner: model.owner, name: model.name, username, role })}
                onChanged={access.reloadCollaborators}
              />
            ) : (
              <p className="muted">Loading collaborators…</p>
            )}
          </section>
          {canAdmin && (
            <section className="card">
              {access.accessRequests ? (
                <AccessRequestsPanel
                  requests={access.accessRequests}
                  decide={(id, approve) => request(DECIDE_MODEL_ACCESS_REQUEST, { id, approve })}
                  onDecided={() => {
                    access.reloadAccessRequests();
                    access.reloadCollaborators();
                  }}
                />
              ) : (
                <p className="muted">Loading access requests…</p>
              )}
            </section>
          )}
          {canAdmin && (
            <section className="card">
              <DeleteModelForm owner={model.owner} name={model.name} onDeleted={() => navigate('/models', { replace: true })} />
            </section>
          )}
        </div>
      )}
    </div>
  );
}
