/** The Lab's shapes: what the hub answers comes from ../api/generated.ts (see ../api/types.ts). */
import type { WithJson } from '../api/types';
import type { LabTrainingRunQuery, RunSqlMutation, TrainingEpochFieldsFragment, TrainingJobFieldsFragment } from '../api/generated';

/** `rows`: each row a JSON array in `columns` order. */
export type SqlResult = WithJson<RunSqlMutation['runSql'], { rows: unknown[][] }>;
/** `type`: PostgreSQL's type name: bigint, double precision, text, boolean, text[] … */
export type SqlColumn = SqlResult['columns'][number];

/** A refused or failed query: the message and, when the hub knows it, where (1-based). */
export interface SqlProblem {
  message: string;
  code: string;
  line?: number;
  column?: number;
}

/** What completion offers: datasets with their latest version's columns, and models. */
export interface LabSchema {
  datasets: { owner: string; name: string; columns: SqlColumn[] }[];
  models: { owner: string; name: string; task: string | null }[];
}

export type TrainingEpoch = WithJson<TrainingEpochFieldsFragment, { metrics: Record<string, number> }>;
export type TrainingJob = WithJson<TrainingJobFieldsFragment, { result: { versionNumber?: number } | null }>;
export type TrainingRun = WithJson<
  LabTrainingRunQuery['trainingRun'],
  { hyperparameters: { epochs?: number } & Record<string, unknown>; epochs: TrainingEpoch[]; job: TrainingJob }
>;
