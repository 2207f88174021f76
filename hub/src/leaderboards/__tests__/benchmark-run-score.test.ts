import { describe, expect, it } from 'vitest';
import { BenchmarkMetric, BenchmarkTask } from '../../benchmarks/index.js';
import { scoreBenchmarkRun, type RunSources } from '../benchmark-run-score.js';

/** Sources over in-memory rows: outputs by key, labels with their part, in key order, in chunks of `chunk`. */
function sources(rows: { label: unknown; part: 'public' | 'private'; output: number[] }[], chunk = 3): RunSources {
  return {
    outputs: async (after, limit) => rows.slice(after, after + limit).map((r, i) => ({ key: after + i + 1, output: r.output })),
    labels: async (after, limit) => {
      const size = Math.min(limit, chunk);
      const page = rows.slice(after, after + size).map((r, i) => ({ key: after + i + 1, label: r.label, part: r.part }));
      return { rows: page, next: page.length === size && after + size < rows.length ? after + size : null };
    },
  };
}

/** ROC AUC by pairs, a tie counting one half. */
function pairAuc(scores: number[], positive: boolean[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((s, i) => {
    if (!positive[i]) return;
    scores.forEach((t, j) => {
      if (positive[j]) return;
      pairs++;
      wins += s > t ? 1 : s === t ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('scoreBenchmarkRun', () => {
  it('scores the public and private parts apart: ROC AUC and accuracy by definition, with a bootstrap interval around the public score', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => {
      const p = ((i * 37) % 100) / 100;
      return { label: i % 3 === 0 ? 'yes' : 'no', part: (i % 2 === 0 ? 'public' : 'private') as 'public' | 'private', output: [1 - p, p] };
    });
    const score = await scoreBenchmarkRun(sources(rows), { task: BenchmarkTask.CLASSIFICATION, metric: BenchmarkMetric.ROC_AUC, secondaryMetrics: [BenchmarkMetric.ACCURACY] }, ['no', 'yes']);
    for (const part of ['public', 'private'] as const) {
      const mine = rows.filter((r) => r.part === part);
      expect(score[part].score).toBeCloseTo(pairAuc(mine.map((r) => r.output[1]), mine.map((r) => r.label === 'yes')), 12);
      const right = mine.filter((r) => (r.output[1] > r.output[0] ? 'yes' : 'no') === r.label).length;
      expect(score[part].metrics.accuracy).toBeCloseTo(right / mine.length, 12);
      expect(score[part].rows).toBe(20);
    }
    expect(score.public.low!).toBeLessThanOrEqual(score.public.score!);
    expect(score.public.high!).toBeGreaterThanOrEqual(score.public.score!);
  });

  it('counts a true class the model does not have as a wrong answer, not a skipped row', async () => {
    const rows = [
      { label: 'a', part: 'public' as const, output: [0.9, 0.1] },
      { label: 'b', part: 'public' as const, output: [0.2, 0.8] },
      { label: 'c', part: 'public' as const, output: [0.6, 0.4] },
      { label: 'a', part: 'private' as const, output: [0.9, 0.1] },
    ];
    const score = await scoreBenchmarkRun(sources(rows), { task: BenchmarkTask.CLASSIFICATION, metric: BenchmarkMetric.ACCURACY, secondaryMetrics: [BenchmarkMetric.LOG_LOSS] }, ['a', 'b']);
    expect(score.public.rows).toBe(3);
    expect(score.public.score).toBeCloseTo(2 / 3, 12);
    expect(score.public.metrics.log_loss).toBeCloseTo((-Math.log(0.9) - Math.log(0.8) - Math.log(1e-15)) / 3, 9);
  });

  it('scores a regression: RMSE, MAE and R² per part', async () => {
    const rows = [1, 2, 3, 4, 5, 6].map((t, i) => ({ label: t, part: (i < 3 ? 'public' : 'private') as 'public' | 'private', output: [t + (i % 2 ? 1 : -0.5)] }));
    const score = await scoreBenchmarkRun(sources(rows), { task: BenchmarkTask.REGRESSION, metric: BenchmarkMetric.RMSE, secondaryMetrics: [BenchmarkMetric.MAE, BenchmarkMetric.R2] }, []);
    expect(score.public.score).toBeCloseTo(Math.sqrt((0.25 + 1 + 0.25) / 3), 12);
    expect(score.public.metrics.mae).toBeCloseTo((0.5 + 1 + 0.5) / 3, 12);
    expect(score.private.metrics.r2).toBeCloseTo(1 - (1 + 0.25 + 1) / 2, 12);
  });
});
