/**
 * The sharing of a dataset, for those who may write to it: its collaborators (admins add, change
 * and remove them) and, for admins, the pending access requests to approve or deny.
 */
import { request } from '../api/graphql-client';
import { DATASET_ACCESS_REQUESTS, DATASET_COLLABORATORS, DECIDE_DATASET_ACCESS_REQUEST, SET_DATASET_COLLABORATOR } from '../api/dataset-operations';
import { useQuery } from '../api/use-query';
import { ErrorMessage } from '../components/ErrorMessage';
import { AccessRequestsPanel } from '../sharing/AccessRequestsPanel';
import { CollaboratorsPanel } from '../sharing/CollaboratorsPanel';

export function DatasetSharing({ owner, name, canAdmin }: { owner: string; name: string; canAdmin: boolean }) {
  const collaborators = useQuery(DATASET_COLLABORATORS, { owner, name });
  const requests = useQuery(DATASET_ACCESS_REQUESTS, { owner, name }, 0, !canAdmin);
  return (
    <section className="card" aria-labelledby="sharing-heading" data-testid="dataset-sharing">
      <h2 id="sharing-heading">Sharing</h2>
      <ErrorMessage error={collaborators.error} />
      {collaborators.data ? (
        <CollaboratorsPanel
          collaborators={collaborators.data.dataset.collaborators}
          canAdmin={canAdmin}
          empty="No collaborators: only the owner (and its organization’s members) work on it."
          setRole={(username, role) => request(SET_DATASET_COLLABORATOR, { owner, name, username, role })}
          onChanged={collaborators.reload}
        />
      ) : (
        !collaborators.error && <p className="muted">Loading collaborators…</p>
      )}
      {canAdmin && (
        <>
          <ErrorMessage error={requests.error} />
          {requests.data ? (
            <AccessRequestsPanel
              requests={requests.data.dataset.accessRequests}
              decide={(id, approve) => request(DECIDE_DATASET_ACCESS_REQUEST, { id, approve })}
              onDecided={() => {
                requests.reload();
                collaborators.reload();
              }}
            />
          ) : (
            !requests.error && <p className="muted">Loading access requests…</p>
          )}
        </>
      )}
    </section>
  );
}
