/**
 * The top of a model's page: owner/name with its visibility, what it is (task, license,
 * framework, downloads, when updated, where it was forked from, its tags) and the star, fork
 * and subscribe buttons (for a visitor without an account: the star count and "Sign in to …").
 */
import { Link, useNavigate } from 'react-router';
import { useSession } from '../auth/session-context';
import { formatNumber } from '../components/format';
import { RelativeTime } from '../components/RelativeTime';
import { SignInTo } from '../sharing/SignInTo';
import { StatusBadge } from '../components/StatusBadge';
import { Tags } from '../components/Tags';
import { catalogLink } from './catalog-params';
import { ForkButton } from './ForkButton';
import { modelPath } from './model-path';
import { StarButton } from './StarButton';
import { SubscribeButton } from './SubscribeButton';
import type { ModelDetail } from './types';

export function ModelHeader({ model }: { model: ModelDetail }) {
  const navigate = useNavigate();
  const { state } = useSession();
  return (
    <div className="page-heading model-heading">
      <div>
        <h1 data-testid="model-title">
          <Link to={catalogLink('owner', model.owner)} className="muted plain-link">
            {model.owner}
          </Link>
          <span className="muted">/</span>
          {model.name} <StatusBadge status={model.visibility} testId="model-visibility" />
        </h1>
        <p className="model-facts">
          {model.task ? (
            <Link to={catalogLink('task', model.task)} className="task-chip" data-testid="model-task">
              {model.task}
            </Link>
          ) : (
            <span className="muted">no task given</span>
          )}
          <span data-testid="model-license">{model.license ? <>⚖ {model.license}</> : <span className="muted">no license</span>}</span>
          <span className="muted">{model.framework}</span>
          <span title="model.json downloads, all versions" data-testid="model-downloads">
            ↓ {formatNumber(model.downloads)} downloads
          </span>
          <span className="muted">
            updated <RelativeTime value={model.updatedAt} />
          </span>
          {model.forkedFrom && (
            <span data-testid="forked-from">
              forked from{' '}
              <Link to={modelPath(model.forkedFrom.owner, model.forkedFrom.name)}>
                {model.forkedFrom.owner}/{model.forkedFrom.name}
              </Link>
            </span>
          )}
        </p>
        <Tags tags={model.tags} linkTo={(tag) => catalogLink('tag', tag)} testId="model-tags" />
      </div>
      <div className="model-buttons">
        <StarButton key={`${model.stars}/${model.viewerHasStarred}`} owner={model.owner} name={model.name} stars={model.stars} starred={model.viewerHasStarred} />
        {state.status === 'signed-out' ? (
          <SignInTo action="fork or follow" testId="sign-in-to-fork" />
        ) : (
          <>
            <ForkButton owner={model.owner} name={model.name} forks={model.forks} onForked={(fork) => navigate(modelPath(fork.owner, fork.name))} />
            <SubscribeButton owner={model.owner} name={model.name} />
          </>
        )}
      </div>
    </div>
  );
}
