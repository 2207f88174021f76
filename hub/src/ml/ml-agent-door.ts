/**
 * The `predict` agent's door (behind ml-agent.routes.ts, job token only): the model version's
 * files, the input rows read through the SQL sandbox in chunks (the hub never holds the whole
 * result), and the model's outputs. The hub keeps each input row as it serves it and joins the
 * agent's output to it, so the agent — untrusted — can only ever say what the model predicted,
 * never change the input columns a user reads back.
 *
 * ML.EVALUATE: the agent gets the model's feature columns only; the hub keeps each row's label
 * (ml_result_rows.input = [label]) and checks each output before keeping it
 * (evaluation-outputs.ts). A refused output is recorded against the attempt, which then cannot
 * succeed (MlService.checkResult); the hub scores the outputs itself (evaluation-score.ts).
 */
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { predictionChunk, type PredictionChunk, type RowsChunk } from '../../../schema/index.js';
import type { ArtifactStore } from '../artifacts/index.js';
import type { LeasedJob } from '../compute/index.js';
import type { Config } from '../config.js';
import { AppError, badInput, notFound } from '../errors.js';
import type { ResolvedDataset } from '../sql/index.js';
import type { TrainingSql } from '../training/index.js';
import { evaluationOutputProblem } from './evaluation-outputs.js';
import { predictedValues } from './predicted-values.js';

/** The hidden features of a benchmark (BenchmarksService.hiddenFeatures). */
export type HiddenFeatures = (benchmarkId: string, after: number, limit: number) => Promise<{ columns: string[]; rows: { key: number; values: unknown[] }[] }>;

interface JobRow {
  mode: 'predict' | 'evaluate' | 'benchmark';
  benchmark_id: string | null;
  query_sql: string;
  datasets: ResolvedDataset[];
  task: 'classification' | 'regression';
  labels: string[];
  label_name: string;
  /** The job payload's features (names in input order). */
  features: { name: string }[];
  row_count: string | number;
  files: Record<string, { sha256: string; size: number }>;
}

export class MlAgentDoor {
  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
    private readonly sql: TrainingSql,
    private readonly store: ArtifactStore,
    private readonly hiddenFeatures: HiddenFeatures,
  ) {}

  /** The ml_jobs row of a `predict` job the token opens; NOT_FOUND for any other job. */
  private async of(job: LeasedJob): Promise<JobRow> {
    if (job.kind !== 'predict') throw notFound('Job');
    const [row] = await this.db.query(
      `SELECT m.mode, m.benchmark_id, m.query_sql, m.datasets, m.task, m.labels, m.label_name, j.payload->'features' AS features, m.row_count, v.files
       FROM ml_jobs m JOIN model_versions v ON v.id = m.model_version_id JOIN jobs j ON j.id = m.job_id WHERE m.job_id = $1`,
      [job.id],
    );
    if (!row) throw notFound('Job');
    return row;
  }

  /** GET file?path=: one file of the model version the job runs. */
  async file(job: LeasedJob, path: string): Promise<{ body: Readable; size: number }> {
    const { files } = await this.of(job);
    const file = Object.prototype.hasOwnProperty.call(files, path) ? files[path] : undefined;
    if (!file) throw notFound('File');
    return { body: await this.store.get(file.sha256), size: file.size };
  }

  /** GET rows: `limit` rows from `offset` of the input query; ML.PREDICT keeps them to join the outputs to. */
  async rows(job: LeasedJob, offset: number, limit: number): Promise<RowsChunk> {
    const row = await this.of(job);
    const rowCount = Number(row.row_count);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > rowCount) throw badInput('offset', `must be a whole number from 0 to ${rowCount}`);
    if (!Number.isSafeInteger(limit) || limit < 1) throw badInput('limit', 'must be a whole number of at least 1');
    // One more than the query returned when planned: a short chunk ends the reading.
    const first = Math.min(limit, this.config.training.chunkRows, rowCount - offset + 1);
    if (row.mode === 'benchmark') return this.hiddenRows(job, row, offset, first);
    // A plain scan of immutable dataset tables returns rows in the same order on every run (the
    // sandbox turns parallel plans off), so OFFSET pages are stable across requests and attempts.
    const page = await this.sql.runWrapped({ sql: row.query_sql, datasets: row.datasets }, (sql) => `SELECT * FROM (${sql}) AS aimass_ml OFFSET ${offset} LIMIT ${first}`, {
      first,
      maxRows: first,
    });
    const rows = page.rows.slice(0, Math.max(0, rowCount - offset));
    const names = page.columns.map((c) => c.name);
    if (row.mode === 'predict') {
      await this.keep(job.id, offset, rows);
      return { columns: names, rows, offset };
    }
    // ML.EVALUATE: the label stays here; the agent gets the features, in the model's order.
    const labelAt = names.indexOf(row.label_name);
    const served = row.features.map((f) => names.indexOf(f.name));
    if (labelAt < 0 || served.some((i) => i < 0)) throw new Error(`the ML.EVALUATE input of job ${job.id} no longer has its label or feature columns`);
    await this.keep(job.id, offset, rows.map((r) => [r[labelAt]]));
    return { columns: row.features.map((f) => f.name), rows: rows.map((r) => served.map((i) => r[i])), offset };
  }

  /**
   * A benchmark run's rows: the hidden split's features after key `offset` (keys are 1…m, so the
   * row at offset n has key n + 1), in the model's feature order. The hub keeps each row's key
   * (ml_result_rows.input = [key]) to join the outputs to the labels it scores them against; the
   * agent gets no key, no label and no part — only feature values, in an order that says nothing
   * about a row's part.
   */
  private async hiddenRows(job: LeasedJob, row: JobRow, offset: number, first: number): Promise<RowsChunk> {
    const chunk = await this.hiddenFeatures(row.benchmark_id!, offset, first);
    const served = row.features.map((f) => chunk.columns.indexOf(f.name));
    if (served.some((i) => i < 0)) throw new Error(`the benchmark of job ${job.id} no longer has the model's feature columns`);
    await this.keep(job.id, offset, chunk.rows.map((r) => [r.key]));
    return { columns: row.features.map((f) => f.name), rows: chunk.rows.map((r) => served.map((i) => r.values[i])), offset };
  }

  /** Keeps what the hub joins the outputs to: the row (ML.PREDICT) or its label (ML.EVALUATE), once per row. */
  private async keep(jobId: string, offset: number, kept: unknown[][]): Promise<void> {
    if (kept.length === 0) return;
    await this.db.query(
      `INSERT INTO ml_result_rows (job_id, n, input)
       SELECT $1, $2 + (e.ord - 1), e.value FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(value, ord)
       ON CONFLICT (job_id, n) DO NOTHING`,
      [jobId, offset, JSON.stringify(kept)],
    );
  }

  /**
   * POST predictions: the model's outputs for rows offset… (each served first). ML.PREDICT keeps
   * them as its predicted columns (predictedValues, predicted-values.ts, as an online answer is);
   * ML.EVALUATE keeps the outputs as they are, for the hub to score, once each is checked. Each is
   * tagged with the attempt that sent it. ML.EVALUATE records a refusal against the attempt.
   */
  async predictions(job: LeasedJob, body: unknown): Promise<{ stored: number }> {
    const row = await this.of(job);
    try {
      return await this.keepOutputs(job, row, body);
    } catch (error) {
      if (row.mode !== 'predict' && error instanceof AppError) {
        await this.db.query(`UPDATE ml_jobs SET refusal = $2, refused_attempt = $3 WHERE job_id = $1`, [job.id, error.message, job.attempt]);
      }
      throw error;
    }
  }

  private async keepOutputs(job: LeasedJob, row: JobRow, body: unknown): Promise<{ stored: number }> {
    const parsed = predictionChunk.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badInput(['body', ...issue.path].join('.'), issue.message);
    }
    const chunk: PredictionChunk = parsed.data;
    const rowCount = Number(row.row_count);
    if (chunk.offset + chunk.outputs.length > rowCount) throw badInput('body.outputs', `rows ${chunk.offset}…${chunk.offset + chunk.outputs.length - 1} are beyond the ${rowCount} input rows`);
    const width = row.task === 'classification' ? row.labels.length : 1;
    const predicted = chunk.outputs.map((out, i) => {
      if (out.length !== width) throw badInput(`body.outputs.${i}`, `row ${chunk.offset + i} must have ${width} value${width > 1 ? 's' : ''} (${row.task === 'classification' ? 'a probability per class' : 'the predicted value'}), not ${out.length}`);
      if (row.mode === 'predict') return predictedValues(row.task, row.labels, out);
      const problem = evaluationOutputProblem(row.task, row.labels, out);
      if (problem) throw badInput(`body.outputs.${i}`, `row ${chunk.offset + i}: ${problem}`);
      return out;
    });
    if (predicted.length === 0) return { stored: 0 };
    const result = await this.db.query(
      `UPDATE ml_result_rows r SET predicted = e.value, attempt = $4
       FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(value, ord)
       WHERE r.job_id = $1 AND r.n = $2 + (e.ord - 1)`,
      [job.id, chunk.offset, JSON.stringify(predicted), job.attempt],
    );
    const updated = Array.isArray(result) && typeof result[1] === 'number' ? result[1] : predicted.length;
    if (updated !== predicted.length) throw badInput('body.offset', `only ${updated} of rows ${chunk.offset}…${chunk.offset + predicted.length - 1} were read by this job: read rows before predicting them`);
    return { stored: updated };
  }
}
