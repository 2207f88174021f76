/** A deployment's settings: replicas wanted (and the autoscaler's last decision), requirements, batching, limits, visibility and its REST endpoints. */
import { formatBytes, formatNumber, statusWord } from '../components/format';
import type { DeploymentDetail } from './types';

export function DeploymentFacts({ deployment }: { deployment: DeploymentDetail }) {
  const { requirements, batching, limits, autoscaling, autoscaler, planner } = deployment;
  const origin = window.location.origin;
  const needs = [
    requirements.gpu ? 'a GPU' : '',
    requirements.minMemoryBytes ? `${formatBytes(requirements.minMemoryBytes)} of memory` : '',
    requirements.labels.length > 0 ? `labels ${requirements.labels.join(', ')}` : '',
  ].filter(Boolean);
  return (
    <dl className="facts" data-testid="deployment-facts">
      <dt>Replicas</dt>
      <dd>
        {deployment.minReplicas === deployment.maxReplicas ? deployment.minReplicas : `${deployment.minReplicas} to ${deployment.maxReplicas}`}
      </dd>
      <dt>Autoscaling</dt>
      <dd data-testid="deployment-autoscaling">
        {autoscaling ? (
          <>
            {formatNumber(autoscaling.targetConcurrency)} in flight per replica · windows {autoscaling.stableWindowSeconds} s / {autoscaling.panicWindowSeconds} s · scale-down
            after {autoscaling.scaleDownDelaySeconds} s
            {autoscaling.scaleToZeroAfterSeconds != null ? ` · to zero after ${autoscaling.scaleToZeroAfterSeconds} s idle` : ''}
            {autoscaler && (
              <div className="muted small">
                wants {autoscaler.wantedReplicas}
                {autoscaler.panicking ? ' (panicking)' : ''}: {autoscaler.reason}
              </div>
            )}
            <div className="muted small" data-testid="deployment-planner">
              {!autoscaling.predictive
                ? 'predictive planning off: reactive only'
                : !planner
                  ? 'predictive planning: not planned yet'
                  : planner.forecasting
                    ? `predictive: keeps at least ${planner.floor}${planner.active ? '' : ' (plan expired)'} · ${planner.reason} · replicas start in ${planner.replicaStartSeconds} s${planner.replicaStartMeasured ? '' : ' (assumed)'} · forecast error on the last day ${planner.heldOutMape == null ? 'not scored' : `${formatNumber(planner.heldOutMape * 100)} %`}`
                    : `predictive: ${planner.reason}`}
            </div>
          </>
        ) : (
          <span className="muted">off: kept at its minimum</span>
        )}
      </dd>
      <dt>Needs</dt>
      <dd>{needs.length > 0 ? needs.join(' · ') : <span className="muted">any node</span>}</dd>
      <dt>Batching</dt>
      <dd>
        up to {batching.maxBatchSize} rows within {batching.maxQueueDelayMs} ms
      </dd>
      <dt>Limits</dt>
      <dd>
        {limits.requestsPerSecond == null && limits.dailyRequests == null ? (
          <span className="muted">none of its own</span>
        ) : (
          [
            limits.requestsPerSecond != null ? `${formatNumber(limits.requestsPerSecond)} requests/s` : '',
            limits.dailyRequests != null ? `${formatNumber(limits.dailyRequests)} ${limits.dailyRequests === 1 ? 'request' : 'requests'} a day` : '',
          ]
            .filter(Boolean)
            .join(' · ')
        )}
      </dd>
      <dt>Visibility</dt>
      <dd>{statusWord(deployment.visibility)}</dd>
      <dt>Task</dt>
      <dd>{deployment.task.toLowerCase()}</dd>
      <dt>TF Serving</dt>
      <dd>
        <code className="deployment-endpoint" data-testid="endpoint-tfserving">POST {origin}{deployment.endpoints.tfServing}</code>
      </dd>
      <dt>KServe v2</dt>
      <dd>
        <code className="deployment-endpoint" data-testid="endpoint-kserve">POST {origin}{deployment.endpoints.kserve}</code>
      </dd>
    </dl>
  );
}
