/** The last few account events received live on this page. */
import type { GraphQLRequestError } from '../api/graphql-request-error';
import type { AccountEvent } from '../api/types';
import { DateTime } from '../components/DateTime';
import { ErrorMessage } from '../components/ErrorMessage';

export function RecentEvents({ events, error }: { events: AccountEvent[]; error: GraphQLRequestError | undefined }) {
  return (
    <section className="card" aria-labelledby="events-heading">
      <h2 id="events-heading">Recent events</h2>
      <ErrorMessage error={error} />
      {events.length === 0 ? (
        <p className="muted">Changes to your keys, nodes and organizations appear here as they happen.</p>
      ) : (
        <ol className="events" aria-live="polite" data-testid="recent-events">
          {events.map((event, i) => (
            <li key={`${event.at}-${event.subjectId}-${event.kind}-${i}`} data-kind={event.kind}>
              <span className="event-message">{event.message}</span>
              <span className="muted small">
                <DateTime value={event.at} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
