/**
 * Star or unstar a dataset or a model, showing how many stars it has; the hub's answer sets both.
 * A visitor without an account sees the count and a link to sign in.
 */
import { useState } from 'react';
import { GraphQLRequestError } from '../api/graphql-request-error';
import { useSession } from '../auth/session-context';
import { formatNumber } from '../components/format';
import { SignInTo } from './SignInTo';
import './sharing.css';

export interface StarToggleProps {
  stars: number;
  starred: boolean;
  /** "this model", "this dataset" */
  what: string;
  /** Asks the hub to set the star; answers the new count and whether the user starred it. */
  setStarred(starred: boolean): Promise<{ stars: number; starred: boolean }>;
}

export function StarToggle({ stars, starred, what, setStarred }: StarToggleProps) {
  const { state: session } = useSession();
  const [state, setState] = useState({ stars, starred });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      setState(await setStarred(!state.starred));
    } catch (e) {
      setError(GraphQLRequestError.from(e).message);
    } finally {
      setBusy(false);
    }
  }

  const count = (
    <span className="count" aria-label={`${state.stars} stars`} data-testid="star-count">
      {formatNumber(state.stars)}
    </span>
  );
  if (session.status === 'signed-out') {
    return (
      <span className="item-buttons">
        <span className="button-group">
          <span className="button secondary small" aria-hidden="true">
            ☆ Stars
          </span>
          {count}
        </span>
        <SignInTo action="star" testId="sign-in-to-star" />
      </span>
    );
  }
  return (
    <span className="button-group">
      <button
        type="button"
        className={state.starred ? 'button small starred' : 'button secondary small'}
        aria-pressed={state.starred}
        onClick={toggle}
        disabled={busy}
        title={error ?? (state.starred ? 'Unstar' : `Star ${what}`)}
        data-testid="star-button"
      >
        {state.starred ? '★ Starred' : '☆ Star'}
      </button>
      {count}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
