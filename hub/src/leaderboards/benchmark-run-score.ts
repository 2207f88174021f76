/**
 * A benchmark run's scores, computed by the hub (hub/src/evaluation/) from the outputs the run's
 * attempt returned (checked on arrival as ML.EVALUATE's: probabilities per model class, or values)
 * and the hidden labels only the hub reads, joined by the hidden row's key. The public part and
 * the private part are scored separately, each with the benchmark's metric and its secondary
 * metrics, and the public score gets a 95 % percentile bootstrap interval (1000 resamples, seed 0:
 * the same outputs give the same interval on every hub).
 *
 * Every hidden row counts. A classifier's true class that the model does not have is a class with
 * probability 0 in its output (so it is always wrong, and costs log loss's clipped maximum): a
 * model cannot improve its score by not knowing a class.
 */
import { categoryValue, numberValue } from '../../../schema/index.js';
import { BenchmarkMetric, BenchmarkTask, type HiddenLabelsChunk } from '../benchmarks/index.js';
import {
  accuracy,
  bootstrapInterval,
  classRocAuc,
  logLoss,
  macroF1,
  meanAbsoluteError,
  r2Score,
  rootMeanSquaredError,
  type ClassPredictions,
  type ValuePredictions,
} from '../evaluation/index.js';

const CHUNK = 10_000;
export const INTERVAL_CONFIDENCE = 0.95;
export const INTERVAL_RESAMPLES = 1000;

export interface PartScore {
  /** The benchmark's metric on this part (null where undefined, e.g. R² of constant labels). */
  score: number | null;
  /** The metric and each secondary metric, by name (BenchmarkMetric values). */
  metrics: Record<string, number | null>;
  rows: number;
}

export interface RunScore {
  public: PartScore & { low: number | null; high: number | null };
  private: PartScore;
}

export interface RunSources {
  /** Outputs by key from key `after` on (ml.benchmarkOutputs). */
  outputs(after: number, limit: number): Promise<{ key: number; output: number[] }[]>;
  /** Hidden labels after key `after` (benchmarks.hiddenLabels). */
  labels(after: number, limit: number): Promise<HiddenLabelsChunk>;
}

type Scorer = (rows?: ArrayLike<number>) => number | null;

export async function scoreBenchmarkRun(
  sources: RunSources,
  benchmark: { task: BenchmarkTask; metric: BenchmarkMetric; secondaryMetrics: readonly BenchmarkMetric[] },
  modelLabels: readonly string[],
): Promise<RunScore> {
  const outputs = new Map<number, number[]>();
  for (let n = 0; ; n += CHUNK) {
    const page = await sources.outputs(n, CHUNK);
    for (const o of page) outputs.set(o.key, o.output);
    if (page.length < CHUNK) break;
  }
  const parts = { public: [] as { label: unknown; output: number[] }[], private: [] as { label: unknown; output: number[] }[] };
  for (let after = 0; ; ) {
    const chunk = await sources.labels(after, CHUNK);
    for (const r of chunk.rows) {
      const output = outputs.get(r.key);
      if (!output) throw new Error(`no output for hidden row ${r.key}`);
      parts[r.part].push({ label: r.label, output });
    }
    if (chunk.next === null) break;
    after = chunk.next;
  }
  const classification = benchmark.task === BenchmarkTask.CLASSIFICATION;
  // The classes: the model's, then any true class it does not have (probability 0).
  const classes = [...modelLabels];
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  if (classification) {
    for (const row of [...parts.public, ...parts.private]) {
      const key = categoryValue(row.label);
      if (key !== null && !classIndex.has(key)) classIndex.set(key, classes.push(key) - 1);
    }
  }
  const metricNames = [benchmark.metric, ...benchmark.secondaryMetrics.filter((m) => m !== benchmark.metric)];

  const scorers = (rows: { label: unknown; output: number[] }[]): { n: number; of: (m: BenchmarkMetric) => Scorer } => {
    const scored = rows.filter((r) => (classification ? categoryValue(r.label) !== null : numberValue(r.label) !== null));
    if (classification) {
      const k = classes.length;
      const probabilities = new Float64Array(scored.length * k);
      const truth = new Int32Array(scored.length);
      scored.forEach((r, i) => {
        truth[i] = classIndex.get(categoryValue(r.label)!)!;
        for (let c = 0; c < r.output.length; c++) probabilities[i * k + c] = r.output[c];
      });
      const p: ClassPredictions = { classes: k, truth, probabilities };
      const of = (m: BenchmarkMetric): Scorer => {
        switch (m) {
          case BenchmarkMetric.ACCURACY:
            return (rows) => accuracy(p, rows);
          case BenchmarkMetric.MACRO_F1:
            return (rows) => macroF1(p, rows);
          case BenchmarkMetric.LOG_LOSS:
            return (rows) => logLoss(p, rows);
          case BenchmarkMetric.ROC_AUC:
            return (rows) => classRocAuc(p, rows);
          default:
            return () => null;
        }
      };
      return { n: scored.length, of };
    }
    const p: ValuePredictions = { truth: Float64Array.from(scored, (r) => numberValue(r.label)!), predicted: Float64Array.from(scored, (r) => r.output[0]) };
    const of = (m: BenchmarkMetric): Scorer => {
      switch (m) {
        case BenchmarkMetric.RMSE:
          return (rows) => rootMeanSquaredError(p, rows);
        case BenchmarkMetric.MAE:
          return (rows) => meanAbsoluteError(p, rows);
        case BenchmarkMetric.R2:
          return (rows) => r2Score(p, rows);
        default:
          return () => null;
      }
    };
    return { n: scored.length, of };
  };

  const part = (rows: { label: unknown; output: number[] }[]): PartScore & { n: number; main: Scorer } => {
    const s = scorers(rows);
    const metrics: Record<string, number | null> = {};
    for (const m of metricNames) metrics[m] = s.of(m)();
    return { score: metrics[benchmark.metric], metrics, rows: s.n, n: s.n, main: s.of(benchmark.metric) };
  };
  const pub = part(parts.public);
  const priv = part(parts.private);
  const interval = pub.n > 0 ? bootstrapInterval(pub.n, pub.main, { resamples: INTERVAL_RESAMPLES, confidence: INTERVAL_CONFIDENCE, seed: 0 }) : null;
  return {
    public: { score: pub.score, metrics: pub.metrics, rows: pub.rows, low: interval?.low ?? null, high: interval?.high ?? null },
    private: { score: priv.score, metrics: priv.metrics, rows: priv.rows },
  };
}
