/** Training by SQL (CREATE MODEL … AS SELECT on agents): what other domains may use. */
export { TrainingService, type StatementRows } from './training.service.js';
export { TrainingJobFiles } from './training-job-files.js';
export { trainingBlobReferences } from './training-blob-references.js';
export { TrainingRun } from './training-run.entity.js';
export { TrainingEpoch } from './training-epoch.entity.js';
export { TrainingCheckpoint } from './training-checkpoint.entity.js';
export { TrainingTuning } from './training-tuning.entity.js';
export { TrainingTuner } from './training-tuner.js';
export { datasetReads } from './training-reads.js';
export { quoteIdent, type TrainingSql } from './training-sql.js';
