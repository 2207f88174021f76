/** GraphQL documents for the data market: datasets, their versions, rows, profiles and ANOVA, and their sharing. */
import { document } from './document';
import type {
  CreateDatasetMutation,
  CreateDatasetMutationVariables,
  DatasetAccessRequestsQuery,
  DatasetAccessRequestsQueryVariables,
  DatasetAnovaQueryVariables,
  DatasetCollaboratorsQuery,
  DatasetCollaboratorsQueryVariables,
  DatasetQuery,
  DatasetQueryVariables,
  DatasetRowsQueryVariables,
  DatasetVersionQueryVariables,
  DatasetsQuery,
  DatasetsQueryVariables,
  DecideDatasetAccessRequestMutation,
  DecideDatasetAccessRequestMutationVariables,
  RequestDatasetAccessMutation,
  RequestDatasetAccessMutationVariables,
  SetDatasetCollaboratorMutation,
  SetDatasetCollaboratorMutationVariables,
  StarDatasetMutation,
  StarDatasetMutationVariables,
} from './generated';
import type { AnovaResult, DatasetRowsPage, DatasetVersion } from './types';

const DATASET_FIELDS = /* GraphQL */ `fragment DatasetFields on Dataset { id owner name description license tags visibility createdAt updatedAt }`;
const VERSION_SUMMARY_FIELDS = /* GraphQL */ `fragment DatasetVersionSummaryFields on DatasetVersion {
  id number rowCount status createdAt createdBy { username }
}`;

/** For the list: each dataset with its versions' numbers and row counts; full-text `search` ranks by relevance. */
export const DATASETS = document<DatasetsQuery, DatasetsQueryVariables>(
  /* GraphQL */ `query Datasets($first: Int, $after: String, $search: String) {
  datasets(first: $first, after: $after, search: $search) {
    totalCount pageInfo { endCursor hasNextPage } edges { node { ...DatasetFields stars versions { number rowCount } } }
  }
} ${DATASET_FIELDS}`,
);

/** With what the viewer may do (READ for a visitor without an account) and whether they starred it. */
export const DATASET = document<DatasetQuery, DatasetQueryVariables>(
  /* GraphQL */ `query Dataset($owner: String!, $name: String!) {
  dataset(owner: $owner, name: $name) {
    ...DatasetFields stars viewerHasStarred viewerPermission versions { ...DatasetVersionSummaryFields }
  }
} ${DATASET_FIELDS} ${VERSION_SUMMARY_FIELDS}`,
);

/** One-way ANOVA of each numeric column against `groupBy`. */
export const DATASET_ANOVA = document<{ datasetVersion: { id: string; anova: AnovaResult[] } }, DatasetAnovaQueryVariables>(
  /* GraphQL */ `query DatasetAnova($owner: String!, $name: String!, $number: Int, $groupBy: String!) {
  datasetVersion(owner: $owner, name: $name, number: $number) { id anova(groupBy: $groupBy) }
}`,
);

export const STAR_DATASET = document<StarDatasetMutation, StarDatasetMutationVariables>(
  /* GraphQL */ `mutation StarDataset($owner: String!, $name: String!, $starred: Boolean) {
  starDataset(owner: $owner, name: $name, starred: $starred) { id stars viewerHasStarred }
}`,
);

/** Visible to those who may write to the dataset (FORBIDDEN to others). */
export const DATASET_COLLABORATORS = document<DatasetCollaboratorsQuery, DatasetCollaboratorsQueryVariables>(
  /* GraphQL */ `query DatasetCollaborators($owner: String!, $name: String!) {
  dataset(owner: $owner, name: $name) { id collaborators { user { id username displayName } role createdAt } }
}`,
);

/** Visible to the dataset's admins (FORBIDDEN to others). */
export const DATASET_ACCESS_REQUESTS = document<DatasetAccessRequestsQuery, DatasetAccessRequestsQueryVariables>(
  /* GraphQL */ `query DatasetAccessRequests($owner: String!, $name: String!) {
  dataset(owner: $owner, name: $name) { id accessRequests { id message createdAt requester { id username displayName } } }
}`,
);

export const SET_DATASET_COLLABORATOR = document<SetDatasetCollaboratorMutation, SetDatasetCollaboratorMutationVariables>(
  /* GraphQL */ `mutation SetDatasetCollaborator($owner: String!, $name: String!, $username: String!, $role: DatasetRole) {
  setDatasetCollaborator(owner: $owner, name: $name, username: $username, role: $role)
}`,
);

export const REQUEST_DATASET_ACCESS = document<RequestDatasetAccessMutation, RequestDatasetAccessMutationVariables>(
  /* GraphQL */ `mutation RequestDatasetAccess($owner: String!, $name: String!, $message: String) {
  requestDatasetAccess(owner: $owner, name: $name, message: $message)
}`,
);

export const DECIDE_DATASET_ACCESS_REQUEST = document<DecideDatasetAccessRequestMutation, DecideDatasetAccessRequestMutationVariables>(
  /* GraphQL */ `mutation DecideDatasetAccessRequest($id: ID!, $approve: Boolean!) {
  decideDatasetAccessRequest(id: $id, approve: $approve)
}`,
);

/** A version in full, without its rows (the preview pages through them separately). */
export const DATASET_VERSION = document<{ datasetVersion: DatasetVersion }, DatasetVersionQueryVariables>(
  /* GraphQL */ `query DatasetVersion($owner: String!, $name: String!, $number: Int) {
  datasetVersion(owner: $owner, name: $name, number: $number) {
    ...DatasetVersionSummaryFields columns { name originalName type } ingestReport profile
  }
} ${VERSION_SUMMARY_FIELDS}`,
);

export const DATASET_ROWS = document<{ datasetVersion: { rows: DatasetRowsPage } }, DatasetRowsQueryVariables>(
  /* GraphQL */ `query DatasetRows($owner: String!, $name: String!, $number: Int, $first: Int, $after: String,
  $orderBy: String, $direction: SortDirection, $filters: [RowFilter!]) {
  datasetVersion(owner: $owner, name: $name, number: $number) {
    rows(first: $first, after: $after, orderBy: $orderBy, direction: $direction, filters: $filters) {
      columns rows totalCount pageInfo { endCursor hasNextPage }
    }
  }
}`,
);

export const CREATE_DATASET = document<CreateDatasetMutation, CreateDatasetMutationVariables>(
  /* GraphQL */ `mutation CreateDataset($input: CreateDatasetInput!) {
  createDataset(input: $input) { ...DatasetFields }
} ${DATASET_FIELDS}`,
);
