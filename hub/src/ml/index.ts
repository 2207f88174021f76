/** ML.PREDICT and ML.EVALUATE by SQL (`predict` jobs on agents): what other domains may use. */
export { MlService, CLASSIFICATION_METRICS, REGRESSION_METRICS, type MlRows, type BenchmarkRunHooks } from './ml.service.js';
export type { OnlinePredictor, OnlinePredictCall, OnlineAnswer } from './online-predictor.js';
export { predictedValues, onlineRecords, onlineResultRows } from './predicted-values.js';
export { mlModule, mlResolvers, type MlServices } from './ml.module.js';

import type { MlServices } from './ml.module.js';
declare module '../module.js' {
  // Declaration merging: the services bag names this module's services (module.ts).
  interface Services extends MlServices {}
}
