/** The Lab's shapes, as the hub answers them (schema/schema.graphql). */
export interface SqlColumn {
  name: string;
  /** PostgreSQL's type name: bigint, double precision, text, boolean, text[] … */
  type: string;
}

export interface SqlResult {
  /** SELECT, CREATE_MODEL, ML_TRAINING_INFO … */
  statement: string;
  columns: SqlColumn[];
  /** Each row a JSON array in `columns` order */
  rows: unknown[][];
  totalCount: number;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
  datasets: { owner: string; name: string; version: number }[];
}

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

export interface TrainingEpoch {
  epoch: number;
  attempt: number;
  loss: number;
  evalLoss: number | null;
  metrics: Record<string, number>;
}

export interface TrainingJob {
  id: string;
  status: string;
  error: string | null;
  progress: number;
  progressMessage: string | null;
  result: { versionNumber?: number } | null;
  updatedAt: string;
}

export interface TrainingRun {
  id: string;
  modelType: string;
  hyperparameters: { epochs?: number } & Record<string, unknown>;
  epochsTrained: number | null;
  stoppedEarly: boolean | null;
  model: { owner: string; name: string; versionNumber: number | null };
  epochs: TrainingEpoch[];
  job: TrainingJob;
}
