/**
 * Evaluation: the hub's own scoring of predictions against the labels it keeps (agents are
 * untrusted: they return predictions, never scores). What other domains may use.
 */
export type { ClassPredictions, ValuePredictions } from './metrics/scored-rows.js';
export {
  accuracy,
  classificationMetrics,
  classRocAuc,
  logLoss,
  LOG_LOSS_EPSILON,
  macroF1,
  macroPrecision,
  macroRecall,
  predictedClass,
  type ClassificationMetrics,
} from './metrics/classification-metrics.js';
export {
  meanAbsoluteError,
  meanSquaredError,
  medianAbsoluteError,
  r2Score,
  regressionMetrics,
  rootMeanSquaredError,
  type RegressionMetrics,
} from './metrics/regression-metrics.js';
export { rocAuc } from '../../../schema/roc-auc.js';
export { bootstrapInterval, quantileSorted, DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, type BootstrapInterval, type BootstrapOptions } from './metrics/bootstrap-interval.js';
export { seededRandom } from './metrics/seeded-random.js';
