/**
 * Storage: what the user and each of their organizations store against the per-owner quotas
 * (dataset bytes, model file bytes), with a bar when a quota is set. The first 20 organizations
 * only: storage usage is costly per owner under the GraphQL cost limit.
 */
import { STORAGE_USAGE } from '../api/account-operations';
import type { QuotaUsage } from '../api/types';
import { useQuery } from '../api/use-query';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatBytes } from '../components/format';
import { ProgressBar } from '../components/ProgressBar';

function Quota({ usage, testId }: { usage: QuotaUsage; testId: string }) {
  const used = formatBytes(usage.usedBytes);
  if (usage.limitBytes === null) {
    return (
      <span data-testid={testId}>
        {used} <span className="muted">· no quota</span>
      </span>
    );
  }
  return <ProgressBar testId={testId} value={usage.usedBytes / usage.limitBytes} message={`${used} of ${formatBytes(usage.limitBytes)}`} />;
}

export function StorageSection({ refresh }: { refresh: number }) {
  const { data, error } = useQuery(STORAGE_USAGE, undefined, refresh);
  const owners = data
    ? [
        { handle: data.me.username, usage: data.me.storageUsage },
        ...data.myOrganizations.edges.map(({ node }) => ({ handle: node.handle, usage: node.storageUsage })),
      ]
    : [];
  return (
    <section className="card" aria-labelledby="storage-heading" data-testid="storage-section">
      <h2 id="storage-heading">Storage</h2>
      <ErrorMessage error={error} />
      {data && (
        <table>
          <thead>
            <tr>
              <th scope="col">Owner</th>
              <th scope="col">Datasets</th>
              <th scope="col">Model files</th>
            </tr>
          </thead>
          <tbody>
            {owners.map(({ handle, usage }) => (
              <tr key={handle} data-testid="storage-row" data-owner={handle}>
                <td>
                  <code>{handle}</code>
                </td>
                <td>{usage ? <Quota usage={usage.datasets} testId="storage-datasets" /> : '—'}</td>
                <td>{usage ? <Quota usage={usage.artifacts} testId="storage-artifacts" /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted small">
        Datasets count the bytes of every version uploaded; model files count each distinct file your models’ versions name once.
      </p>
    </section>
  );
}
