/**
 * The model editor: /editor starts a new spec, /editor/:owner/:name opens a saved architecture
 * (one the user may not see is "not found", as the hub says). Saving a new one moves to its URL;
 * deleting one goes back to a new spec. Below, the user's saved architectures.
 */
import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from '../api/use-query';
import { usePagedQuery } from '../api/use-paged-query';
import { ErrorMessage } from '../components/ErrorMessage';
import { StatusBadge } from '../components/StatusBadge';
import { usePageTitle } from '../components/use-page-title';
import { useCanWrite } from '../datasets/use-can-write';
import { useMe } from '../forms/OwnerSelect';
import { ARCHITECTURE, MY_ARCHITECTURES } from '../editor/architecture-operations';
import { architecturePath } from '../editor/architecture-path';
import { ArchitecturesList } from '../editor/ArchitecturesList';
import { ModelEditor } from '../editor/ModelEditor';
import type { Architecture, ArchitectureListItem } from '../editor/types';

export function EditorPage() {
  const { owner, name } = useParams();
  const navigate = useNavigate();
  const me = useMe();
  const list = usePagedQuery<ArchitectureListItem>(MY_ARCHITECTURES, 'architectures', { owner: me }, 20);
  const saved = owner !== undefined && name !== undefined ? { owner, name } : undefined;
  usePageTitle(saved ? `${saved.owner}/${saved.name} · Model editor` : 'Model editor');

  const onSaved = (architecture: Architecture, created: boolean) => {
    list.refresh();
    if (created) navigate(architecturePath(architecture.owner, architecture.name));
  };
  const onDeleted = () => {
    list.refresh();
    navigate('/editor');
  };

  return (
    <div className="page">
      <div className="page-heading">
        <h1>Model editor</h1>
        <p className="muted">
          Design a model layer by layer: the hub checks it as you type, with each layer’s output shape and parameters. Save it as an
          architecture to train later.
        </p>
      </div>
      {saved ? (
        <SavedArchitecture key={`${saved.owner}/${saved.name}`} owner={saved.owner} name={saved.name} onSaved={onSaved} onDeleted={onDeleted} />
      ) : (
        <ModelEditor key="new" architecture={undefined} canWrite onSaved={onSaved} onDeleted={onDeleted} />
      )}
      <ArchitecturesList list={list} current={saved && `${saved.owner}/${saved.name}`} />
    </div>
  );
}

interface SavedArchitectureProps {
  owner: string;
  name: string;
  onSaved(architecture: Architecture, created: boolean): void;
  onDeleted(): void;
}

function SavedArchitecture({ owner, name, onSaved, onDeleted }: SavedArchitectureProps) {
  const { data, error } = useQuery(ARCHITECTURE, { owner, name });
  const architecture = data?.architecture;
  const canWrite = useCanWrite(architecture?.owner);
  if (!architecture) {
    return error?.code === 'NOT_FOUND' ? (
      <div className="card" data-testid="architecture-not-found">
        <h2>Architecture not found</h2>
        <p>
          There is no architecture <code>{`${owner}/${name}`}</code> that you can see. <Link to="/editor">Start a new spec</Link>.
        </p>
      </div>
    ) : error ? (
      <ErrorMessage error={error} />
    ) : (
      <p className="muted">Loading…</p>
    );
  }
  return (
    <>
      <p className="editing-title" data-testid="editing-title">
        Editing{' '}
        <strong>
          {architecture.owner}/{architecture.name}
        </strong>{' '}
        <StatusBadge status={architecture.visibility} />
      </p>
      <ModelEditor key={architecture.id} architecture={architecture} canWrite={canWrite === true} onSaved={onSaved} onDeleted={onDeleted} />
    </>
  );
}
