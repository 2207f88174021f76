/**
 * A webhook subscription's delivery log, newest first: each notification POSTed to the webhook,
 * its status, how many attempts, what the receiver last answered (or the error), and when; each
 * attempt on demand. The hub announces no retries, so while a delivery is still pending the log
 * is read again every REFRESH_MS.
 */
import { useEffect } from 'react';
import { WEBHOOK_DELIVERIES } from './notification-operations';
import type { WebhookAttempt, WebhookDelivery } from './types';
import { usePagedQuery } from '../api/use-paged-query';
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { formatDuration } from '../components/format';
import { PagedListView } from '../components/ListView';
import { StatusBadge } from '../components/StatusBadge';
import { kindLabel } from './kind-label';

const REFRESH_MS = 5_000;

export function DeliveryLog({ subscriptionId, webhookUrl }: { subscriptionId: string; webhookUrl: string }) {
  const list = usePagedQuery<WebhookDelivery>(WEBHOOK_DELIVERIES, 'webhookDeliveries', { subscriptionId }, 20);
  const { refresh } = list;
  const unsettled = list.items.some((delivery) => delivery.status === 'PENDING' || delivery.status === 'SENDING');

  useEffect(() => {
    if (!unsettled) return;
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [unsettled, refresh]);

  return (
    <div id="delivery-log" className="delivery-log" data-testid="delivery-log">
      <div className="toolbar">
        <h3>
          Deliveries to <code className="break">{webhookUrl}</code>
        </h3>
        <button type="button" className="button secondary small" onClick={refresh} data-testid="refresh-deliveries">
          Refresh
        </button>
      </div>
      <PagedListView list={list}>
        {(deliveries) => (
          <DataTable
            rows={deliveries}
            rowKey={(delivery) => delivery.id}
            rowAttributes={(delivery) => ({ 'data-testid': 'delivery-row', 'data-id': delivery.id, 'data-status': delivery.status })}
            caption="Webhook deliveries, newest first"
            testId="deliveries-table"
            empty="Nothing has been sent to this webhook yet."
            emptyTestId="deliveries-empty"
            columns={[
              { header: 'Status', cell: (delivery) => <StatusBadge status={delivery.status} testId="delivery-status" /> },
              { header: 'Notification', cell: (delivery) => kindLabel(delivery.kind) },
              { header: 'Attempts', className: 'number', cell: (delivery) => <span data-testid="delivery-attempts">{delivery.attempts}</span> },
              {
                header: 'Response',
                cell: (delivery) => (
                  <>
                    {delivery.lastStatusCode !== null ? (
                      <code data-testid="delivery-code">{delivery.lastStatusCode}</code>
                    ) : (
                      <span className="muted">{delivery.attempts > 0 ? 'no answer' : '—'}</span>
                    )}
                    {delivery.lastError && (
                      <span className="field-error block" data-testid="delivery-error">
                        {delivery.lastError}
                      </span>
                    )}
                  </>
                ),
              },
              { header: 'Created', cell: (delivery) => <DateTime value={delivery.createdAt} seconds /> },
              { header: 'Last attempt', cell: (delivery) => <DateTime value={delivery.lastAttemptAt} seconds empty="not yet" /> },
              {
                header: 'Delivered / next',
                cell: (delivery) =>
                  delivery.deliveredAt ? (
                    <DateTime value={delivery.deliveredAt} seconds />
                  ) : delivery.nextAttempt ? (
                    <span>
                      next <DateTime value={delivery.nextAttempt} seconds />
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  ),
              },
              { header: 'Attempt log', cell: (delivery) => <AttemptLog attempts={delivery.log} /> },
            ]}
          />
        )}
      </PagedListView>
    </div>
  );
}

function AttemptLog({ attempts }: { attempts: WebhookAttempt[] }) {
  if (attempts.length === 0) return <span className="muted">—</span>;
  return (
    <details className="attempt-log">
      <summary>
        {attempts.length} attempt{attempts.length === 1 ? '' : 's'}
      </summary>
      <ol>
        {attempts.map((attempt) => (
          <li key={attempt.attempt} data-testid="delivery-attempt">
            <DateTime value={attempt.at} seconds /> · {formatDuration(attempt.durationMs)} ·{' '}
            {attempt.statusCode !== null ? <code>{attempt.statusCode}</code> : <span className="muted">no answer</span>}
            {attempt.error && <span className="field-error block">{attempt.error}</span>}
          </li>
        ))}
      </ol>
    </details>
  );
}
