/** GraphQL documents for the data market: datasets, their versions, rows and profiles. */
const PAGE_INFO = 'pageInfo { endCursor hasNextPage }';
const DATASET_FIELDS = 'id owner name description license tags visibility createdAt updatedAt';
const VERSION_SUMMARY_FIELDS = 'id number rowCount status createdAt createdBy { username }';

/** For the list: each dataset with its versions' numbers and row counts; full-text `search` ranks by relevance. */
export const DATASETS = `query Datasets($first: Int, $after: String, $search: String) {
  datasets(first: $first, after: $after, search: $search) { totalCount ${PAGE_INFO} edges { node { ${DATASET_FIELDS} stars versions { number rowCount } } } }
}`;

export const DATASET = `query Dataset($owner: String!, $name: String!) {
  dataset(owner: $owner, name: $name) { ${DATASET_FIELDS} versions { ${VERSION_SUMMARY_FIELDS} } }
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
