/** The portal's names for benchmarks, from the generated API types. */
import type { BenchmarkMetric, BenchmarkQuery, BenchmarksQuery, BenchmarkTask } from '../api/generated';
import { enumValues } from '../api/types';

export type { BenchmarkMetric, BenchmarkTask };
export type BenchmarkListItem = BenchmarksQuery['benchmarks']['edges'][number]['node'];
export type BenchmarkDetail = BenchmarkQuery['benchmark'];

/** In the order the portal offers them. */
export const BENCHMARK_TASKS = enumValues<BenchmarkTask>({ CLASSIFICATION: true, REGRESSION: true });

/** Each metric's task and direction, as the hub checks them (docs/benchmarks.md). */
export const METRIC_INFO: Record<BenchmarkMetric, { task: BenchmarkTask; label: string; higherIsBetter: boolean }> = {
  ACCURACY: { task: 'CLASSIFICATION', label: 'Accuracy', higherIsBetter: true },
  MACRO_F1: { task: 'CLASSIFICATION', label: 'Macro F1', higherIsBetter: true },
  LOG_LOSS: { task: 'CLASSIFICATION', label: 'Log loss', higherIsBetter: false },
  ROC_AUC: { task: 'CLASSIFICATION', label: 'ROC AUC (two classes)', higherIsBetter: true },
  RMSE: { task: 'REGRESSION', label: 'RMSE', higherIsBetter: false },
  MAE: { task: 'REGRESSION', label: 'MAE', higherIsBetter: false },
  R2: { task: 'REGRESSION', label: 'R²', higherIsBetter: true },
};

export const metricsFor = (task: BenchmarkTask) => (Object.keys(METRIC_INFO) as BenchmarkMetric[]).filter((m) => METRIC_INFO[m].task === task);
