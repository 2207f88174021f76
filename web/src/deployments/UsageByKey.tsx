/**
 * Who called the deployment in the last 24 hours, by API key (calls with a session are one row):
 * requests, rows, errors and compute time on the agents. Re-read every REFRESH_MS. Only the
 * deployment's owner is shown everyone's usage; the hub refuses the others.
 */
import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '../api/use-query';
import { DataTable } from '../components/DataTable';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatDuration, formatNumber } from '../components/format';
import { DEPLOYMENT_USAGE } from './deployment-operations';
import { usageByKey } from './usage-by-key';

const DAY_MS = 24 * 3600_000;
const REFRESH_MS = 30_000;

export function UsageByKey({ deployment }: { deployment: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const variables = useMemo(
    () => ({ deployment, from: new Date(now - DAY_MS).toISOString(), to: new Date(now).toISOString(), granularity: 'HOUR' as const }),
    [deployment, now],
  );
  const { data, error } = useQuery(DEPLOYMENT_USAGE, variables);
  const rows = usageByKey(data?.usage ?? []);
  if (error?.code === 'FORBIDDEN' || error?.code === 'NOT_FOUND') return <p className="muted">Usage by key is shown to the deployment’s owner.</p>;
  return (
    <>
      <ErrorMessage error={error} />
      {data ? (
        <DataTable
          rows={rows}
          rowKey={(row) => row.key}
          rowAttributes={(row) => ({ 'data-testid': 'usage-row', 'data-key': row.apiKeyName ?? '' })}
          caption="Usage by API key, last 24 hours"
          testId="usage"
          empty="No calls in the last 24 hours."
          emptyTestId="no-usage"
          columns={[
            { header: 'API key', cell: (row) => row.apiKeyName ?? <span className="muted">{row.apiKeyId ? row.apiKeyId : 'signed-in sessions'}</span> },
            { header: 'Requests', cell: (row) => formatNumber(row.requests) },
            { header: 'Rows', cell: (row) => formatNumber(row.rows) },
            { header: 'Errors', cell: (row) => formatNumber(row.errors) },
            { header: 'Compute', cell: (row) => formatDuration(row.computeMs) },
          ]}
        />
      ) : (
        !error && <p className="muted">Loading…</p>
      )}
    </>
  );
}
