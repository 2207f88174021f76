/**
 * The `predict` agent's door (behind ml-agent.routes.ts, job token only): the model version's
 * files, the input rows read through the SQL sandbox in chunks (the hub never holds the whole
 * result), and ML.PREDICT's outputs. The hub keeps each input row as it serves it and joins the
 * agent's output to it, so the agent — untrusted — can only ever say what the model predicted,
 * never change the input columns a user reads back.
 */
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { predictionChunk, type PredictionChunk, type RowsChunk } from '../../../schema/index.js';
import type { ArtifactStore } from '../artifacts/index.js';
import type { LeasedJob } from '../compute/index.js';
import type { Config } from '../config.js';
import { badInput, notFound } from '../errors.js';
import type { ResolvedDataset } from '../sql/index.js';
import type { TrainingSql } from '../training/index.js';
import { predictedValues } from './predicted-values.js';

interface JobRow {
  mode: 'predict' | 'evaluate';
  query_sql: string;
  datasets: ResolvedDataset[];
  task: 'classification' | 'regression';
  labels: string[];
  row_count: string | number;
  files: Record<string, { sha256: string; size: number }>;
}

export class MlAgentDoor {
  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
    private readonly sql: TrainingSql,
    private readonly store: ArtifactStore,
  ) {}

  /** The ml_jobs row of a `predict` job the token opens; NOT_FOUND for any other job. */
  private async of(job: LeasedJob): Promise<JobRow> {
    if (job.kind !== 'predict') throw notFound('Job');
    const [row] = await this.db.query(
      `SELECT m.mode, m.query_sql, m.datasets, m.task, m.labels, m.row_count, v.files FROM ml_jobs m JOIN model_versions v ON v.id = m.model_version_id WHERE m.job_id = $1`,
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
    // A plain scan of immutable dataset tables returns rows in the same order on every run (the
    // sandbox turns parallel plans off), so OFFSET pages are stable across requests and attempts.
    const page = await this.sql.runWrapped({ sql: row.query_sql, datasets: row.datasets }, (sql) => `SELECT * FROM (${sql}) AS aimass_ml OFFSET ${offset} LIMIT ${first}`, {
      first,
      maxRows: first,
    });
    const rows = page.rows.slice(0, Math.max(0, rowCount - offset));
    if (row.mode === 'predict' && rows.length > 0) {
      await this.db.query(
        `INSERT INTO ml_result_rows (job_id, n, input)
         SELECT $1, $2 + (e.ord - 1), e.value FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(value, ord)
         ON CONFLICT (job_id, n) DO NOTHING`,
        [job.id, offset, JSON.stringify(rows)],
      );
    }
    return { columns: page.columns.map((c) => c.name), rows, offset };
  }

  /**
   * POST predictions: the model's outputs for rows offset… (each served first), made ML.PREDICT's
   * predicted columns by predictedValues (predicted-values.ts), as an online answer is.
   */
  async predictions(job: LeasedJob, body: unknown): Promise<{ stored: number }> {
    const parsed = predictionChunk.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badInput(['body', ...issue.path].join('.'), issue.message);
    }
    const chunk: PredictionChunk = parsed.data;
    const row = await this.of(job);
    if (row.mode !== 'predict') throw badInput('body', 'ML.EVALUATE reports its metrics in the job result, not as predictions');
    const rowCount = Number(row.row_count);
    if (chunk.offset + chunk.outputs.length > rowCount) throw badInput('body.outputs', `rows ${chunk.offset}…${chunk.offset + chunk.outputs.length - 1} are beyond the ${rowCount} input rows`);
    const width = row.task === 'classification' ? row.labels.length : 1;
    const predicted = chunk.outputs.map((out, i) => {
      if (out.length !== width) throw badInput(`body.outputs.${i}`, `must have ${width} value${width > 1 ? 's' : ''} (${row.task === 'classification' ? 'a probability per class' : 'the predicted value'}), not ${out.length}`);
      return predictedValues(row.task, row.labels, out);
    });
    if (predicted.length === 0) return { stored: 0 };
    const result = await this.db.query(
      `UPDATE ml_result_rows r SET predicted = e.value
       FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(value, ord)
       WHERE r.job_id = $1 AND r.n = $2 + (e.ord - 1)`,
      [job.id, chunk.offset, JSON.stringify(predicted)],
    );
    const updated = Array.isArray(result) && typeof result[1] === 'number' ? result[1] : predicted.length;
    if (updated !== predicted.length) throw badInput('body.offset', `only ${updated} of rows ${chunk.offset}…${chunk.offset + predicted.length - 1} were read by this job: read rows before predicting them`);
    return { stored: updated };
  }
}
