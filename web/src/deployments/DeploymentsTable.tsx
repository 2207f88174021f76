/** Deployments, one a row: name (a link to its page), model version, status, ready replicas and live traffic. */
import { Link } from 'react-router';
import { DataTable } from '../components/DataTable';
import { formatNumber } from '../components/format';
import { StatusBadge } from '../components/StatusBadge';
import { modelPath } from '../models/model-path';
import { deploymentPath } from './deployment-path';
import type { DeploymentSummary } from './types';

export function DeploymentsTable({ deployments }: { deployments: DeploymentSummary[] }) {
  return (
    <DataTable
      rows={deployments}
      rowKey={(d) => d.id}
      rowAttributes={(d) => ({ 'data-testid': 'deployment-row', 'data-slug': `${d.owner}/${d.name}`, 'data-status': d.status })}
      caption="Deployments"
      testId="deployments-table"
      empty="No deployments yet — deploy a model version from its page."
      emptyTestId="deployments-empty"
      columns={[
        {
          header: 'Deployment',
          cell: (d) => (
            <Link to={deploymentPath(d.owner, d.name)} data-testid="deployment-link">
              {d.owner}/{d.name}
            </Link>
          ),
        },
        {
          header: 'Model',
          cell: (d) => (
            <Link to={modelPath(d.model.owner, d.model.name, `?version=${d.versionNumber}`)}>
              {d.model.owner}/{d.model.name} v{d.versionNumber}
              {d.alias && <span className="muted small"> @{d.alias}</span>}
            </Link>
          ),
        },
        {
          header: 'Status',
          cell: (d) => (
            <>
              <StatusBadge status={d.status} testId="deployment-status" />
              {d.statusMessage && <span className="muted small block">{d.statusMessage}</span>}
            </>
          ),
        },
        {
          header: 'Replicas',
          className: 'number',
          cell: (d) => `${d.replicas.filter((r) => r.state === 'READY').length} ready of ${d.minReplicas}–${d.maxReplicas}`,
        },
        { header: 'Requests/s', className: 'number', cell: (d) => <span data-testid="deployment-rate">{formatNumber(d.stats.requestsPerSecond)}</span> },
        {
          header: 'p50 / p99',
          className: 'number',
          cell: (d) => (d.stats.p50Ms == null ? <span className="muted">–</span> : `${formatNumber(d.stats.p50Ms)} / ${formatNumber(d.stats.p99Ms ?? d.stats.p50Ms)} ms`),
        },
      ]}
    />
  );
}
