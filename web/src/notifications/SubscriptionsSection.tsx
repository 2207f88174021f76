/**
 * What the user follows: each subscription with its model or dataset, webhook and plan, an
 * "Unsubscribe" button and, for a webhook subscription, its delivery log on demand.
 */
import { useState } from 'react';
import { Link } from 'react-router';
import { request } from '../api/graphql-client';
import { MY_SUBSCRIPTIONS, UNSUBSCRIBE } from './notification-operations';
import type { NotificationSubscription } from './types';
import { usePagedQuery } from '../api/use-paged-query';
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatNumber, statusWord } from '../components/format';
import { PagedListView } from '../components/ListView';
import { RowActionButton } from '../components/RowActionButton';
import { useRowAction } from '../components/use-row-action';
import { DeliveryLog } from './DeliveryLog';
import { subjectPath } from './subject-path';

export function SubscriptionsSection() {
  const list = usePagedQuery<NotificationSubscription>(MY_SUBSCRIPTIONS, 'mySubscriptions', {}, 50);
  const action = useRowAction();
  const [logOf, setLogOf] = useState<string | null>(null);
  const shown = list.items.find((subscription) => subscription.id === logOf);

  return (
    <section className="card" aria-labelledby="subscriptions-heading" data-testid="subscriptions-section">
      <h2 id="subscriptions-heading">Subscriptions</h2>
      <p className="muted">
        Models and datasets you follow. Follow one from its page; news of it reaches this inbox, and your webhook if you gave one.
      </p>
      <ErrorMessage error={action.error} />
      <PagedListView list={list}>
        {(subscriptions) => (
          <DataTable
            rows={subscriptions}
            rowKey={(subscription) => subscription.id}
            rowAttributes={(subscription) => ({
              'data-testid': 'subscription-row',
              'data-name': `${subscription.subject.owner}/${subscription.subject.name}`,
              className: subscription.id === logOf ? 'selected' : undefined,
            })}
            caption="Your subscriptions"
            testId="subscriptions-table"
            empty="You follow nothing yet."
            emptyTestId="subscriptions-empty"
            columns={[
              {
                header: 'Following',
                cell: (subscription) => (
                  <>
                    <Link to={subjectPath(subscription.subject)} className="strong">
                      {subscription.subject.owner}/{subscription.subject.name}
                    </Link>{' '}
                    <span className="muted small">{statusWord(subscription.subject.kind)}</span>
                  </>
                ),
              },
              {
                header: 'Webhook',
                cell: (subscription) =>
                  subscription.webhookUrl ? <code className="break" data-testid="subscription-webhook">{subscription.webhookUrl}</code> : <span className="muted">inbox only</span>,
              },
              {
                header: 'Plan',
                cell: (subscription) =>
                  subscription.plan ? (
                    <span title="Stored now; the serving API will enforce it">
                      {subscription.plan.name} · {formatNumber(subscription.plan.dailyRequestQuota)} requests a day
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  ),
              },
              { header: 'Since', cell: (subscription) => <DateTime value={subscription.createdAt} /> },
              {
                header: 'Actions',
                hideHeader: true,
                className: 'actions',
                cell: (subscription) => {
                  const name = `${subscription.subject.owner}/${subscription.subject.name}`;
                  return (
                    <span className="row-actions">
                      {subscription.webhookUrl && (
                        <button
                          type="button"
                          className="button secondary small"
                          aria-expanded={subscription.id === logOf}
                          aria-controls="delivery-log"
                          onClick={() => setLogOf(subscription.id === logOf ? null : subscription.id)}
                          data-testid="show-deliveries"
                        >
                          {subscription.id === logOf ? 'Hide deliveries' : 'Deliveries'}
                        </button>
                      )}
                      <RowActionButton
                        rowAction={action}
                        row={subscription.id}
                        name="unsubscribe"
                        label="Unsubscribe"
                        busyLabel="Unsubscribing…"
                        confirm={`Stop following ${name}?${subscription.webhookUrl ? ' Its webhook stops too.' : ''}`}
                        action={() => request(UNSUBSCRIBE, { id: subscription.id })}
                        onDone={() => {
                          if (logOf === subscription.id) setLogOf(null);
                          list.remove(subscription.id);
                        }}
                        danger
                        ariaLabel={`Unsubscribe from ${name}`}
                        testId="unsubscribe"
                      />
                    </span>
                  );
                },
              },
            ]}
          />
        )}
      </PagedListView>
      {shown?.webhookUrl && (
        <DeliveryLog key={shown.id} subscriptionId={shown.id} webhookUrl={shown.webhookUrl} />
      )}
    </section>
  );
}
