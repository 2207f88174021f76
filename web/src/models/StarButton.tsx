/** Star or unstar a model, showing how many stars it has; the hub's answer sets both. */
import { useState } from 'react';
import { request } from '../api/graphql-client';
import { GraphQLRequestError } from '../api/graphql-request-error';
import { formatNumber } from '../components/format';
import { STAR_MODEL } from './model-operations';

export interface StarButtonProps {
  owner: string;
  name: string;
  stars: number;
  starred: boolean;
}

export function StarButton({ owner, name, stars, starred }: StarButtonProps) {
  const [state, setState] = useState({ stars, starred });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      const { starModel } = await request<{ starModel: { stars: number; viewerHasStarred: boolean } }>(STAR_MODEL, { owner, name, starred: !state.starred });
      setState({ stars: starModel.stars, starred: starModel.viewerHasStarred });
    } catch (e) {
      setError(GraphQLRequestError.from(e).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="button-group">
      <button
        type="button"
        className={state.starred ? 'button small starred' : 'button secondary small'}
        aria-pressed={state.starred}
        onClick={toggle}
        disabled={busy}
        title={error ?? (state.starred ? 'Unstar' : 'Star this model')}
        data-testid="star-button"
      >
        {state.starred ? '★ Starred' : '☆ Star'}
      </button>
      <span className="count" aria-label={`${state.stars} stars`} data-testid="star-count">
        {formatNumber(state.stars)}
      </span>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
