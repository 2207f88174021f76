/**
 * Catalog results, one card per model: owner/name (a link), visibility when not public, task, a
 * line of the description, tags (each a link to the catalog filtered by it), license, stars,
 * downloads, the latest published version and when it was last updated.
 */
import { Link } from 'react-router';
import { excerpt } from '../components/excerpt';
import { formatNumber } from '../components/format';
import { RelativeTime } from '../components/RelativeTime';
import { StatusBadge } from '../components/StatusBadge';
import { Tags } from '../components/Tags';
import { catalogLink } from './catalog-params';
import { modelPath } from './model-path';
import type { ModelSummary } from './types';

export function ModelResults({ models, empty }: { models: ModelSummary[]; empty: string }) {
  if (models.length === 0) {
    return (
      <p className="muted" data-testid="models-empty">
        {empty}
      </p>
    );
  }
  return (
    <ul className="model-results" data-testid="models-list">
      {models.map((model) => (
        <li key={model.id} className="model-result" data-testid="model-result" data-name={`${model.owner}/${model.name}`}>
          <div className="model-result-title">
            <Link to={modelPath(model.owner, model.name)} className="strong" data-testid="model-link">
              <span className="muted">{model.owner}/</span>
              {model.name}
            </Link>
            {model.visibility !== 'PUBLIC' && <StatusBadge status={model.visibility} testId="model-result-visibility" />}
            {model.task && (
              <Link to={catalogLink('task', model.task)} className="task-chip" data-testid="model-result-task">
                {model.task}
              </Link>
            )}
          </div>
          {model.description && <p className="muted small model-result-description">{excerpt(model.description, 160)}</p>}
          <div className="model-result-facts small">
            <Tags tags={model.tags} linkTo={(tag) => catalogLink('tag', tag)} testId="model-result-tags" />
            <span title="License" data-testid="model-result-license">
              {model.license ? `⚖ ${model.license.length > 40 ? `${model.license.slice(0, 39)}…` : model.license}` : <span className="muted">no license</span>}
            </span>
            <span title="Stars" data-testid="model-result-stars">
              ★ {formatNumber(model.stars)}
            </span>
            <span title="Downloads" data-testid="model-result-downloads">
              ↓ {formatNumber(model.downloads)}
            </span>
            <span data-testid="model-result-latest">{model.latestVersion ? `v${model.latestVersion.number}` : <span className="muted">unpublished</span>}</span>
            <span className="muted">
              updated <RelativeTime value={model.updatedAt} />
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}
