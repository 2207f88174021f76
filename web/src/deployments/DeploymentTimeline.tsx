/**
 * What happened to a deployment, newest first: creation, version changes, rollout steps,
 * rollbacks, incidents, its budget. Re-read when the deployment changes (`changedAt`, its
 * `updatedAt` as the live subscription keeps it) and every REFRESH_MS for events that change
 * nothing else. The hub answers null to those who may not change it: then nothing is shown.
 */
import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '../api/use-query';
import { ErrorMessage } from '../components/ErrorMessage';
import { RelativeTime } from '../components/RelativeTime';
import { DEPLOYMENT_TIMELINE } from './timeline-operations';

const REFRESH_MS = 15_000;
const SHOWN = 20;

export function DeploymentTimeline({ owner, name, changedAt }: { owner: string; name: string; changedAt: string }) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => setTick((t) => t + 1), [changedAt]);
  const variables = useMemo(() => ({ owner, name, first: SHOWN }), [owner, name]);
  const { data, error } = useQuery(DEPLOYMENT_TIMELINE, variables, tick);
  const timeline = data?.deployment?.timeline;
  if (!error && !timeline) return null;
  return (
    <section className="card" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      <ErrorMessage error={error} />
      {timeline && (
        <ol className="timeline" data-testid="deployment-timeline">
          {timeline.edges.map(({ node }) => (
            <li key={node.id} data-testid="timeline-event" data-kind={node.kind}>
              <span className="timeline-kind">{node.kind.replace(/_/g, ' ').toLowerCase()}</span> {node.message}{' '}
              <span className="muted">
                <RelativeTime value={node.createdAt} />
              </span>
            </li>
          ))}
          {timeline.totalCount > timeline.edges.length && <li className="muted">and {timeline.totalCount - timeline.edges.length} earlier</li>}
        </ol>
      )}
    </section>
  );
}
