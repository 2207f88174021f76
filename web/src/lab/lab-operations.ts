/** GraphQL documents for the Lab: running SQL, what completion offers, and a training run followed live. */
import { document } from '../api/document';
import type {
  LabDatasetColumnsQuery,
  LabDatasetColumnsQueryVariables,
  LabDatasetsQuery,
  LabDatasetsQueryVariables,
  LabModelsQuery,
  LabModelsQueryVariables,
  LabTrainingEpochAddedSubscriptionVariables,
  LabTrainingJobUpdatedSubscriptionVariables,
  LabTrainingRunQueryVariables,
  RunSqlMutationVariables,
} from '../api/generated';
import type { SqlResult, TrainingEpoch, TrainingJob, TrainingRun } from './types';

export const RUN_SQL = document<{ runSql: SqlResult }, RunSqlMutationVariables>(
  /* GraphQL */ `mutation RunSql($query: String!, $first: Int, $after: String) {
  runSql(query: $query, first: $first, after: $after) {
    statement columns { name type } rows totalCount pageInfo { endCursor hasNextPage } datasets { owner name version }
  }
}`,
);

/** Every dataset the caller can read (the market's first page of 100) with its versions' numbers. */
export const LAB_DATASETS = document<LabDatasetsQuery, LabDatasetsQueryVariables>(
  /* GraphQL */ `query LabDatasets { datasets(first: 100) { edges { node { owner name versions { number } } } } }`,
);

export const LAB_MODELS = document<LabModelsQuery, LabModelsQueryVariables>(
  /* GraphQL */ `query LabModels { models(first: 100) { edges { node { owner name task latestVersion { number } } } } }`,
);

/** The latest version's columns, for completing column names. */
export const LAB_DATASET_COLUMNS = document<LabDatasetColumnsQuery, LabDatasetColumnsQueryVariables>(
  /* GraphQL */ `query LabDatasetColumns($owner: String!, $name: String!) {
  datasetVersion(owner: $owner, name: $name) { number columns { name type } }
}`,
);

const EPOCH_FIELDS = /* GraphQL */ `fragment TrainingEpochFields on TrainingEpoch { epoch attempt loss evalLoss metrics }`;
const JOB_FIELDS = /* GraphQL */ `fragment TrainingJobFields on Job { id status error progress progressMessage result updatedAt }`;

export const TRAINING_RUN = document<{ trainingRun: TrainingRun }, LabTrainingRunQueryVariables>(
  /* GraphQL */ `query LabTrainingRun($jobId: ID!) {
  trainingRun(jobId: $jobId) {
    id modelType hyperparameters epochsTrained stoppedEarly
    model { owner name versionNumber }
    epochs { ...TrainingEpochFields }
    job { ...TrainingJobFields }
  }
} ${EPOCH_FIELDS} ${JOB_FIELDS}`,
);

export const TRAINING_EPOCH_ADDED = document<{ trainingEpochAdded: TrainingEpoch }, LabTrainingEpochAddedSubscriptionVariables>(
  /* GraphQL */ `subscription LabTrainingEpochAdded($jobId: ID!) {
  trainingEpochAdded(jobId: $jobId) { ...TrainingEpochFields }
} ${EPOCH_FIELDS}`,
);

export const TRAINING_JOB_UPDATED = document<{ jobUpdated: TrainingJob }, LabTrainingJobUpdatedSubscriptionVariables>(
  /* GraphQL */ `subscription LabTrainingJobUpdated($id: ID!) {
  jobUpdated(id: $id) { ...TrainingJobFields }
} ${JOB_FIELDS}`,
);
