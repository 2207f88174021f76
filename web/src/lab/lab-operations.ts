/** GraphQL documents for the Lab: running SQL, what completion offers, and a training run followed live. */
const SQL_RESULT_FIELDS = 'statement columns { name type } rows totalCount pageInfo { endCursor hasNextPage } datasets { owner name version }';

export const RUN_SQL = `mutation RunSql($query: String!, $first: Int, $after: String) {
  runSql(query: $query, first: $first, after: $after) { ${SQL_RESULT_FIELDS} }
}`;

/** Every dataset the caller can read (the market's first page of 100) with its versions' numbers. */
export const LAB_DATASETS = `query LabDatasets { datasets(first: 100) { edges { node { owner name versions { number } } } } }`;

export const LAB_MODELS = `query LabModels { models(first: 100) { edges { node { owner name task latestVersion { number } } } } }`;

/** The latest version's columns, for completing column names. */
export const LAB_DATASET_COLUMNS = `query LabDatasetColumns($owner: String!, $name: String!) {
  datasetVersion(owner: $owner, name: $name) { number columns { name type } }
}`;

const EPOCH_FIELDS = 'epoch attempt loss evalLoss metrics';
const JOB_FIELDS = 'id status error progress progressMessage result updatedAt';

export const TRAINING_RUN = `query LabTrainingRun($jobId: ID!) {
  trainingRun(jobId: $jobId) {
    id modelType hyperparameters epochsTrained stoppedEarly
    model { owner name versionNumber }
    epochs { ${EPOCH_FIELDS} }
    job { ${JOB_FIELDS} }
  }
}`;

export const TRAINING_EPOCH_ADDED = `subscription LabTrainingEpochAdded($jobId: ID!) { trainingEpochAdded(jobId: $jobId) { ${EPOCH_FIELDS} } }`;

export const TRAINING_JOB_UPDATED = `subscription LabTrainingJobUpdated($id: ID!) { jobUpdated(id: $id) { ${JOB_FIELDS} } }`;
