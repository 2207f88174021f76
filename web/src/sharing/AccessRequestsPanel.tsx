/**
 * Pending requests for read access to a dataset or a model, for its admins: who asks, why, and
 * since when; approving makes the requester a READ collaborator, denying keeps them out. Either
 * way the hub tells the requester.
 */
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { ErrorMessage } from '../components/ErrorMessage';
import { RowActionButton } from '../components/RowActionButton';
import { useRowAction } from '../components/use-row-action';
import type { AccessRequest } from './types';

export interface AccessRequestsPanelProps {
  requests: AccessRequest[];
  decide(id: string, approve: boolean): Promise<unknown>;
  /** After a decision: the requests and the collaborators changed. */
  onDecided(): void;
}

export function AccessRequestsPanel({ requests, decide, onDecided }: AccessRequestsPanelProps) {
  const rowAction = useRowAction();
  return (
    <div data-testid="access-requests">
      <h3>Access requests</h3>
      <ErrorMessage error={rowAction.error} />
      <DataTable
        rows={requests}
        rowKey={(request) => request.id}
        rowAttributes={(request) => ({ 'data-testid': 'access-request-row', 'data-username': request.requester.username })}
        caption="Pending access requests"
        testId="access-requests-table"
        empty="No one is waiting for access."
        emptyTestId="access-requests-empty"
        columns={[
          { header: 'From', cell: (request) => request.requester.username },
          { header: 'Message', cell: (request) => request.message || <span className="muted">no message</span> },
          { header: 'Asked', cell: (request) => <DateTime value={request.createdAt} /> },
          {
            header: 'Decision',
            hideHeader: true,
            className: 'actions',
            cell: (request) => (
              <span className="button-group">
                <RowActionButton
                  rowAction={rowAction}
                  row={request.id}
                  name="approve"
                  label="Approve"
                  busyLabel="Approving…"
                  action={() => decide(request.id, true)}
                  onDone={onDecided}
                  ariaLabel={`Approve ${request.requester.username}`}
                  testId="access-request-approve"
                />
                <RowActionButton
                  rowAction={rowAction}
                  row={request.id}
                  name="deny"
                  label="Deny"
                  busyLabel="Denying…"
                  action={() => decide(request.id, false)}
                  onDone={onDecided}
                  danger
                  ariaLabel={`Deny ${request.requester.username}`}
                  testId="access-request-deny"
                />
              </span>
            ),
          },
        ]}
      />
    </div>
  );
}
