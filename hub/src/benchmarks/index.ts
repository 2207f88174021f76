/** Benchmarks (a task on a dataset, a dev split and a hidden test split): what other domains may use. */
export { Benchmark, BenchmarkColumn, BenchmarkRules, type BenchmarkSplit } from './benchmark.entity.js';
export { BenchmarkMetric, BenchmarkTask, METRICS, LABEL_TYPES, type MetricInfo } from './benchmark-metrics.js';
export { BenchmarksService, type BenchmarkInput, type BenchmarkPatch, type BenchmarkSearch } from './benchmarks.service.js';
export type { HiddenFeaturesChunk, HiddenLabelsChunk, HiddenPart } from './hidden-split.js';
export { benchmarksModule, benchmarksResolvers, type BenchmarksServices } from './benchmarks.module.js';

import type { BenchmarksServices } from './benchmarks.module.js';
declare module '../module.js' {
  // Declaration merging: the services bag names this module's services (module.ts).
  interface Services extends BenchmarksServices {}
}
