/**
 * ML.EVALUATE's scores, computed by the hub (hub/src/evaluation/) from what it holds: the label of
 * each input row, kept as it served the row's features to the agent, and the outputs the
 * succeeding attempt sent back (checked by evaluation-outputs.ts on arrival). Rows whose label is
 * NULL — for a classifier, or not one of the model's classes, compared as the trainer does
 * (categoryValue) — are not scored. Rows are read in pages, in their order.
 */
import { categoryValue, numberValue } from '../../../schema/index.js';
import type { Queryable } from '../db/rows.js';
import { classificationMetrics, regressionMetrics } from '../evaluation/index.js';

const PAGE_ROWS = 10_000;

export interface EvaluationScore {
  /** BigQuery ML's metric names; null where a metric is undefined for these rows. */
  metrics: Record<string, number | null>;
  /** Rows scored. */
  scored: number;
  /** Rows left out: a NULL label, or a class the model does not have. */
  skipped: number;
}

export async function scoreEvaluation(
  db: Queryable,
  job: { id: string; attempt: number; task: 'classification' | 'regression'; labels: readonly string[] },
): Promise<EvaluationScore> {
  const classification = job.task === 'classification';
  const classIndex = new Map(job.labels.map((label, k) => [label, k]));
  const k = job.labels.length;
  const truth: number[] = [];
  const outputs: number[] = [];
  let skipped = 0;
  for (let from = 0; ; from += PAGE_ROWS) {
    const rows: { label: unknown; predicted: number[] }[] = await db.query(
      `SELECT input->0 AS label, predicted FROM ml_result_rows WHERE job_id = $1 AND attempt = $2 AND n >= $3 ORDER BY n LIMIT $4`,
      [job.id, job.attempt, from, PAGE_ROWS],
    );
    for (const row of rows) {
      if (classification) {
        const key = categoryValue(row.label);
        const c = key === null ? undefined : classIndex.get(key);
        if (c === undefined) {
          skipped++;
          continue;
        }
        truth.push(c);
        for (let i = 0; i < k; i++) outputs.push(row.predicted[i]);
      } else {
        const value = numberValue(row.label);
        if (value === null) {
          skipped++;
          continue;
        }
        truth.push(value);
        outputs.push(row.predicted[0]);
      }
    }
    if (rows.length < PAGE_ROWS) break;
  }
  const metrics = classification
    ? classificationMetrics({ classes: k, truth, probabilities: Float64Array.from(outputs) })
    : regressionMetrics({ truth, predicted: Float64Array.from(outputs) });
  return { metrics: { ...metrics }, scored: truth.length, skipped };
}
