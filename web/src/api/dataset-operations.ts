/** GraphQL documents for the data market: datasets, their versions, rows, profiles and ANOVA, and their sharing. */
const PAGE_INFO = 'pageInfo { endCursor hasNextPage }';
const DATASET_FIELDS = 'id owner name description license tags visibility createdAt updatedAt';
const VERSION_SUMMARY_FIELDS = 'id number rowCount status createdAt createdBy { username }';

/** For the list: each dataset with its versions' numbers and row counts; full-text `search` ranks by relevance. */
export const DATASETS = `query Datasets($first: Int, $after: String, $search: String) {
  datasets(first: $first, after: $after, search: $search) { totalCount ${PAGE_INFO} edges { node { ${DATASET_FIELDS} stars versions { number rowCount } } } }
}`;

/** With what the viewer may do (READ for a visitor without an account) and whether they starred it. */
export const DATASET = `query Dataset($owner: String!, $name: String!) {
  dataset(owner: $owner, name: $name) { ${DATASET_FIELDS} stars viewerHasStarred viewerPermission versions { ${VERSION_SUMMARY_FIELDS} } }
}`;

/** One-way ANOVA of each numeric column against `groupBy`. */
export const DATASET_ANOVA = `query DatasetAnova($owner: String!, $name: String!, $number: Int, $groupBy: String!) {
  datasetVersion(owner: $owner, name: $name, number: $number) { id anova(groupBy: $groupBy) }
}`;

export const STAR_DATASET = `mutation StarDataset($owner: String!, $name: String!, $starred: Boolean) {
  starDataset(owner: $owner, name: $name, starred: $starred) { id stars viewerHasStarred }
}`;

/** Visible to those who may write to the dataset (FORBIDDEN to others). */
export const DATASET_COLLABORATORS = `query DatasetCollaborators($owner: String!, $name: String!) {
  dataset(owner: $owner, name: $name) { id collaborators { user { id username displayName } role createdAt } }
}`;

/** Visible to the dataset's admins (FORBIDDEN to others). */
export const DATASET_ACCESS_REQUESTS = `query DatasetAccessRequests($owner: String!, $name: String!) {
  dataset(owner: $owner, name: $name) { id accessRequests { id message createdAt requester { id username displayName } } }
}`;

export const SET_DATASET_COLLABORATOR = `mutation SetDatasetCollaborator($owner: String!, $name: String!, $username: String!, $role: DatasetRole) {
  setDatasetCollaborator(owner: $owner, name: $name, username: $username, role: $role)
}`;

export const REQUEST_DATASET_ACCESS = `mutation RequestDatasetAccess($owner: String!, $name: String!, $message: String) {
  requestDatasetAccess(owner: $owner, name: $name, message: $message)
}`;

export const DECIDE_DATASET_ACCESS_REQUEST = `mutation DecideDatasetAccessRequest($id: ID!, $approve: Boolean!) {
  decideDatasetAccessRequest(id: $id, approve: $approve)
}`;

/** A version in full, without its rows (the preview pages through them separately). */
export const DATASET_VERSION = `query DatasetVersion($owner: String!, $name: String!, $number: Int) {
  datasetVersion(owner: $owner, name: $name, number: $number) {
    ${VERSION_SUMMARY_FIELDS} columns { name originalName type } ingestReport profile
  }
}`;

export const DATASET_ROWS = `query DatasetRows($owner: String!, $name: String!, $number: Int, $first: Int, $after: String,
  $orderBy: String, $direction: SortDirection, $filters: [RowFilter!]) {
  datasetVersion(owner: $owner, name: $name, number: $number) {
    rows(first: $first, after: $after, orderBy: $orderBy, direction: $direction, filters: $filters) {
      columns rows totalCount ${PAGE_INFO}
    }
  }
}`;

export const CREATE_DATASET = `mutation CreateDataset($input: CreateDatasetInput!) { createDataset(input: $input) { ${DATASET_FIELDS} } }`;
