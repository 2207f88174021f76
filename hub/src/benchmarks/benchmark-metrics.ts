/**
 * What a benchmark asks for: its task and the metrics it ranks by, with the direction of each
 * (whether a higher score is better) and the label column types each task accepts. The scores
 * themselves are computed elsewhere (the hub's evaluation); this is the benchmark's vocabulary.
 */
import { registerEnumType } from 'type-graphql';
import { ColumnType } from '../datasets/index.js';

export enum BenchmarkTask {
  CLASSIFICATION = 'classification',
  REGRESSION = 'regression',
}
registerEnumType(BenchmarkTask, { name: 'BenchmarkTask', description: 'Predict a class (CLASSIFICATION) or a number (REGRESSION)' });

export enum BenchmarkMetric {
  ACCURACY = 'accuracy',
  MACRO_F1 = 'macro_f1',
  LOG_LOSS = 'log_loss',
  ROC_AUC = 'roc_auc',
  RMSE = 'rmse',
  MAE = 'mae',
  R2 = 'r2',
}
registerEnumType(BenchmarkMetric, {
  name: 'BenchmarkMetric',
  description: 'Classification: ACCURACY, MACRO_F1, LOG_LOSS (lower is better), ROC_AUC (two classes). Regression: RMSE, MAE (lower is better), R2',
});

export interface MetricInfo {
  task: BenchmarkTask;
  higherIsBetter: boolean;
}

export const METRICS: Record<BenchmarkMetric, MetricInfo> = {
  [BenchmarkMetric.ACCURACY]: { task: BenchmarkTask.CLASSIFICATION, higherIsBetter: true },
  [BenchmarkMetric.MACRO_F1]: { task: BenchmarkTask.CLASSIFICATION, higherIsBetter: true },
  [BenchmarkMetric.LOG_LOSS]: { task: BenchmarkTask.CLASSIFICATION, higherIsBetter: false },
  [BenchmarkMetric.ROC_AUC]: { task: BenchmarkTask.CLASSIFICATION, higherIsBetter: true },
  [BenchmarkMetric.RMSE]: { task: BenchmarkTask.REGRESSION, higherIsBetter: false },
  [BenchmarkMetric.MAE]: { task: BenchmarkTask.REGRESSION, higherIsBetter: false },
  [BenchmarkMetric.R2]: { task: BenchmarkTask.REGRESSION, higherIsBetter: true },
};

/** Label column types per task: classes are categories, text, booleans or integers; regression needs numbers. */
export const LABEL_TYPES: Record<BenchmarkTask, readonly ColumnType[]> = {
  [BenchmarkTask.CLASSIFICATION]: [ColumnType.CATEGORICAL, ColumnType.TEXT, ColumnType.BOOLEAN, ColumnType.INTEGER],
  [BenchmarkTask.REGRESSION]: [ColumnType.INTEGER, ColumnType.FLOAT],
};
