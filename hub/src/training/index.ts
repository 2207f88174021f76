/** Training by SQL (CREATE MODEL … AS SELECT on agents): what other domains may use. */
export { TrainingService, type StatementRows, type CreateModelEvent, type CreateModelListener } from './training.service.js';
export { trainingBlobReferences } from './training-blob-references.js';
export { TrainingRun, type RunDeploy } from './training-run.entity.js';
export { TrainedVersions, type TrainedVersionEvent, type TrainedVersionListener } from './trained-versions.js';
export { TrainingEpoch } from './training-epoch.entity.js';
export { TrainingCheckpoint } from './training-checkpoint.entity.js';
export { TrainingTuning } from './training-tuning.entity.js';
export { datasetReads } from './training-reads.js';
export { quoteIdent, type TrainingSql } from './training-sql.js';
export { trainingModule, trainingResolvers, type TrainingServices } from './training.module.js';

import type { TrainingServices } from './training.module.js';
declare module '../module.js' {
  // Declaration merging: the services bag names this module's services (module.ts).
  interface Services extends TrainingServices {}
}
