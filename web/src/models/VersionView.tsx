/**
 * One version of a model as its page shows it: its status (with the deprecation message), what a
 * writer may do to it, its model card rendered as markdown (safely: see Markdown) — editable while
 * it is a draft — its metrics, its signature and its lineage.
 */
import { useState } from 'react';
import { DateTime } from '../components/DateTime';
import { DeployButton, DeployForm } from '../deployments/DeployButton';
import { Markdown } from '../components/Markdown';
import { StatusBadge } from '../components/StatusBadge';
import { CardEditor } from './CardEditor';
import { LineageView } from './LineageView';
import { MetricsTable } from './MetricsTable';
import { SignatureView } from './SignatureView';
import type { ModelAccess } from './use-model-access';
import type { ModelVersion } from './types';
import { VersionActions } from './VersionActions';
import '../deployments/deployments.css';

export interface VersionViewProps {
  owner: string;
  name: string;
  version: ModelVersion;
  access: ModelAccess | undefined;
  onChanged(): void;
  onDeleted(): void;
}

export function VersionView({ owner, name, version, access, onChanged, onDeleted }: VersionViewProps) {
  const [editing, setEditing] = useState(false);
  const [deploying, setDeploying] = useState(false);
  const canWrite = access === 'write' || access === 'admin';
  return (
    <div data-testid="version-view" data-version={version.number}>
      <section className="card" aria-labelledby="version-heading">
        <div className="toolbar">
          <h2 id="version-heading">
            Version {version.number} <StatusBadge status={version.status} testId="selected-version-status" />{' '}
            <span className="muted small">
              {version.publishedAt ? (
                <>
                  published <DateTime value={version.publishedAt} />
                </>
              ) : (
                <>
                  uploaded <DateTime value={version.createdAt} />
                </>
              )}
            </span>
          </h2>
          {canWrite && <DeployButton number={version.number} open={deploying} onToggle={() => setDeploying((d) => !d)} />}
          {canWrite && (
            <VersionActions owner={owner} name={name} version={version} canDelete={access === 'admin'} onChanged={onChanged} onDeleted={onDeleted} />
          )}
        </div>
        {deploying && canWrite && <DeployForm owner={owner} name={name} number={version.number} />}
        {version.status === 'DEPRECATED' && (
          <div className="notice warning-notice" role="note" data-testid="deprecation">
            <strong>Deprecated.</strong> {version.deprecationMessage}
          </div>
        )}
        {version.status === 'DRAFT' && !editing && (
          <p className="notice" data-testid="draft-notice">
            A draft: only those who may write to the model see it. {canWrite ? 'Write its model card, then publish it.' : ''}
          </p>
        )}
        {editing ? (
          <CardEditor
            owner={owner}
            name={name}
            number={version.number}
            card={version.card}
            onSaved={() => {
              setEditing(false);
              onChanged();
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <>
            <Markdown text={version.card} empty="This version has no model card yet." testId="model-card" />
            {canWrite && version.status === 'DRAFT' && (
              <p>
                <button type="button" className="button secondary small" onClick={() => setEditing(true)} data-testid="edit-card">
                  {version.card ? 'Edit the model card' : 'Write the model card'}
                </button>
              </p>
            )}
          </>
        )}
      </section>
      <section className="card" aria-labelledby="metrics-heading">
        <h2 id="metrics-heading">Metrics</h2>
        <MetricsTable metrics={version.metrics} />
      </section>
      <section className="card" aria-labelledby="signature-heading">
        <h2 id="signature-heading">Signature</h2>
        <SignatureView signature={version.signature} />
      </section>
      <section className="card" aria-labelledby="lineage-heading">
        <h2 id="lineage-heading">Lineage</h2>
        <LineageView lineage={version.lineage} />
      </section>
    </div>
  );
}
