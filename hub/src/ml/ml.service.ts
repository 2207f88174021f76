/**
 * ML.PREDICT and ML.EVALUATE by SQL, as users meet them (BigQuery ML's shapes:
 * https://cloud.google.com/bigquery/docs/reference/standard-sql/bigqueryml-syntax-predict and
 * …-evaluate). With a query, each runs as a `predict` job on an agent (planned in ml-plan.ts; the
 * agent's side is ml-agent-door.ts); runSql waits for it up to AIMASS_ML_WAIT_MS and answers its
 * rows, or — when it takes longer — one row with the job's id and status, whose rows
 * `sqlJobResult(jobId, first, after)` pages once it has finished.
 *
 *   ML.PREDICT  the input columns, then predicted_<label> and, for classifiers,
 *               predicted_<label>_probs: [{ label, prob }] in the model's class order.
 *   ML.EVALUATE one row: precision, recall, accuracy, f1_score, log_loss, roc_auc (classifiers;
 *               macro averages over the classes) or mean_absolute_error, mean_squared_error,
 *               root_mean_squared_error, median_absolute_error, r2_score (regressors), computed
 *               by the hub (evaluation-score.ts) from the labels it kept and the model's outputs
 *               the agent returned for the features alone. Without a query, the metrics recorded
 *               at training (no job).
 *
 * Online: an ML.PREDICT of at most AIMASS_ML_ONLINE_MAX_ROWS rows on a model version a READY
 * deployment serves is answered by that deployment (the slot serving fills, online-predictor.ts),
 * with the same columns and values, and no job. Without a predictor, without such a deployment, or
 * when the online call fails or is refused, the job runs as above.
 *
 * ML.PREDICT's result rows stay in ml_result_rows, so paging with runSql's endCursor reads the
 * rows of the caller's latest finished job of the same model version and resolved query instead
 * of predicting again.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { JobResult } from '../../../schema/index.js';
import type { Principal } from '../accounts/index.js';
import { Visibility } from '../accounts/index.js';
import type { DataRead } from '../compute/index.js';
import { datasetReads } from '../training/index.js';
import type { CatalogService, VersionRef } from '../catalog/index.js';
import type { JobsService } from '../compute/index.js';
import { JobStatus } from '../compute/index.js';
import type { Config } from '../config.js';
import type { DatasetsService } from '../datasets/index.js';
import { badInput, notFound } from '../errors.js';
import { SqlError, type PreparedStatement, type ResolvedDataset } from '../sql/index.js';
import type { TrainingSql } from '../training/index.js';
import type { Logger } from '../logger.js';
import { scoreEvaluation } from './evaluation-score.js';
import { asTrained, planMl, trainedVersion, type MlPlan, type MlStatement, type TrainedVersion } from './ml-plan.js';
import type { OnlinePredictor } from './online-predictor.js';
import { onlineRecords, onlineResultRows } from './predicted-values.js';

/** Rows a statement answers (runSql pages them). */
export interface MlRows {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  totalCount: number;
}

/** One page of a job's result, with what the GraphQL SqlResult needs besides. */
export interface MlPage extends MlRows {
  statement: 'ML_PREDICT' | 'ML_EVALUATE';
  datasets: { owner: string; name: string; version: number }[];
}

/** The row answered for a job that has not finished (or failed) yet. */
const JOB_COLUMNS = [
  { name: 'job_id', type: 'uuid' },
  { name: 'status', type: 'text' },
  { name: 'model', type: 'text' },
  { name: 'rows', type: 'bigint' },
  { name: 'error', type: 'text' },
];

export const CLASSIFICATION_METRICS = ['precision', 'recall', 'accuracy', 'f1_score', 'log_loss', 'roc_auc'] as const;
export const REGRESSION_METRICS = ['mean_absolute_error', 'mean_squared_error', 'root_mean_squared_error', 'median_absolute_error', 'r2_score'] as const;

const FINISHED: string[] = [JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELED];
const POLL_MS = 100;

interface MlJobRow {
  job_id: string;
  /** ML.EVALUATE's scores, by the hub: metric name → value (null: undefined), and `scored` / `skipped` row counts. */
  metrics: Record<string, number | null> | null;
  mode: 'predict' | 'evaluate' | 'benchmark';
  owner_id: string;
  task: 'classification' | 'regression';
  label_name: string;
  columns: { name: string; type: string }[];
  row_count: string | number;
  datasets: ResolvedDataset[];
  model: string;
}

/**
 * What the owner of benchmark submissions (leaderboards) does with a benchmark run's `predict`
 * job: score the outputs of the attempt that reports success (a reason refuses the attempt), and
 * hear that the job failed for good.
 */
export interface BenchmarkRunHooks {
  score(jobId: string, attempt: number): Promise<string | null>;
  failed(jobId: string, reason: string): Promise<void>;
  /** ML.EVALUATE(MODEL …, BENCHMARK owner.name): submits, waits up to `waitMs` for the score, answers one row. */
  submitBySql(principal: Principal, model: { owner: string; name: string; version: VersionRef | null }, benchmark: { owner: string; name: string }, waitMs: number): Promise<MlRows>;
}

/** A benchmark run to queue: the model version (checked by asTrained) over a benchmark's hidden features. */
export interface BenchmarkRun {
  jobId: string;
  /** The submitter: the job is theirs. */
  ownerId: string;
  benchmark: { id: string; label: string; rowCount: number };
  /** owner.name@number, for the payload and logs. */
  model: string;
  trained: TrainedVersion;
  /** Whose data the job reads (the model and the benchmark's hidden split): residency. */
  reads: DataRead[];
  /** The replicas of one verified evaluation go to nodes of different owners (or different nodes): claim-jobs.ts. */
  quorum?: { key: string; by: 'owner' | 'node' };
}

export class MlService {
  private online: OnlinePredictor | null = null;
  private benchmarkRuns: BenchmarkRunHooks | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
    private readonly sql: TrainingSql,
    private readonly catalog: CatalogService,
    private readonly datasets: DatasetsService,
    private readonly jobs: JobsService,
    private readonly log?: Logger,
  ) {}

  /** Serving fills this: small ML.PREDICTs on a deployed version are answered online (null empties it). */
  useOnlinePredictor(predictor: OnlinePredictor | null): void {
    this.online = predictor;
  }

  /** Leaderboards fills this: benchmark runs are scored and ended there. */
  useBenchmarkRuns(hooks: BenchmarkRunHooks | null): void {
    this.benchmarkRuns = hooks;
  }

  /** A version the caller may read (NOT_FOUND otherwise) as a trained model a `predict` job can run (BAD_USER_INPUT naming `field` otherwise). */
  async trainedModel(principal: Principal, owner: string, name: string, version: number | VersionRef | null, field = 'model'): Promise<TrainedVersion> {
    const found = await this.catalog.version(principal, owner, name, typeof version === 'number' ? { number: version } : version);
    const trained = asTrained(found, `model ${owner}/${name}@${found.number}`, 'the evaluation');
    if (typeof trained === 'string') throw badInput(field, trained);
    return trained;
  }

  /**
   * Queues a benchmark run: a `predict` job whose rows are the benchmark's hidden features (no
   * label, no part, in key order: the job cannot tell the benchmark's rows from any other input),
   * whose outputs are checked as ML.EVALUATE's, and which the BenchmarkRunHooks score.
   */
  async enqueueBenchmarkRun(run: BenchmarkRun): Promise<void> {
    const { trained } = run;
    const files = ['model.json', ...Object.keys(trained.version.files).filter((p) => p !== 'model.json')];
    const payload = {
      model: run.model,
      task: trained.task,
      features: trained.features,
      labels: trained.labels,
      rowCount: run.benchmark.rowCount,
      chunkRows: this.config.training.chunkRows,
      files,
    };
    await this.db.query(
      `INSERT INTO ml_jobs (job_id, mode, owner_id, model_version_id, statement, query_sql, datasets, task, labels, label_name, columns, row_count, benchmark_id)
       VALUES ($1, 'benchmark', $2, $3, $4, '', '[]', $5, $6, $7, '[]', $8, $9)`,
      [run.jobId, run.ownerId, trained.version.id, `benchmark run of ${run.model}`, trained.task, JSON.stringify(trained.labels), run.benchmark.label, run.benchmark.rowCount, run.benchmark.id],
    );
    try {
      const requirements = run.quorum ? { quorum: run.quorum.key, quorumBy: run.quorum.by } : {};
      await this.jobs.enqueue({ id: run.jobId, kind: 'predict', payload, ownerId: run.ownerId, organizationId: null, requirements, maxAttempts: 3, reads: run.reads });
    } catch (error) {
      await this.db.query(`DELETE FROM ml_jobs WHERE job_id = $1`, [run.jobId]);
      throw error;
    }
  }

  /**
   * Queues another run of the benchmark run `sourceJobId` (a replica for verification, or a
   * re-run): the same model, rows, payload and placement, under job id `jobId`.
   */
  async replicateBenchmarkRun(sourceJobId: string, jobId: string, quorum: { key: string; by: 'owner' | 'node' }): Promise<void> {
    const [source] = await this.db.query(`SELECT j.payload, j.owner_id, j.residency FROM jobs j JOIN ml_jobs m ON m.job_id = j.id WHERE j.id = $1 AND m.mode = 'benchmark'`, [sourceJobId]);
    if (!source) throw notFound('Benchmark run');
    await this.db.query(
      `INSERT INTO ml_jobs (job_id, mode, owner_id, model_version_id, statement, query_sql, datasets, task, labels, label_name, columns, row_count, benchmark_id)
       SELECT $2, mode, owner_id, model_version_id, statement, query_sql, datasets, task, labels, label_name, columns, row_count, benchmark_id FROM ml_jobs WHERE job_id = $1`,
      [sourceJobId, jobId],
    );
    // The placement the source run was given: the owners who must trust the node.
    const reads: DataRead[] = ((source.residency as string[] | null) ?? []).map((ownerId) => ({ ownerId, public: false, what: `the data of benchmark run ${sourceJobId}` }));
    try {
      await this.jobs.enqueue({ id: jobId, kind: 'predict', payload: source.payload, ownerId: source.owner_id, organizationId: null, requirements: { quorum: quorum.key, quorumBy: quorum.by }, maxAttempts: 3, reads });
    } catch (error) {
      await this.db.query(`DELETE FROM ml_jobs WHERE job_id = $1`, [jobId]);
      throw error;
    }
  }

  /** Outputs of a benchmark run's attempt for these hidden keys. */
  async benchmarkOutputsAt(jobId: string, attempt: number, keys: readonly number[]): Promise<{ key: number; output: number[] }[]> {
    const rows: { key: string; predicted: number[] }[] = await this.db.query(
      `SELECT input->>0 AS key, predicted FROM ml_result_rows WHERE job_id = $1 AND attempt = $2 AND (input->>0)::bigint = ANY($3::bigint[])`,
      [jobId, attempt, keys],
    );
    return rows.map((r) => ({ key: Number(r.key), output: r.predicted }));
  }

  /** A benchmark run's outputs from `attempt`, by hidden key, from key `after` on, in key order. */
  async benchmarkOutputs(jobId: string, attempt: number, after: number, limit: number): Promise<{ key: number; output: number[] }[]> {
    const rows: { key: string; predicted: number[] }[] = await this.db.query(
      `SELECT input->>0 AS key, predicted FROM ml_result_rows WHERE job_id = $1 AND attempt = $2 AND n >= $3 ORDER BY n LIMIT $4`,
      [jobId, attempt, after, limit],
    );
    return rows.map((r) => ({ key: Number(r.key), output: r.predicted }));
  }

  /** The predict kind's onFailed: a benchmark run that failed for good ends its submission's run. */
  async failed(jobId: string, reason: string): Promise<void> {
    const [row] = await this.db.query(`SELECT mode FROM ml_jobs WHERE job_id = $1`, [jobId]);
    if (row?.mode === 'benchmark' && this.benchmarkRuns) await this.benchmarkRuns.failed(jobId, reason);
  }

  /** runSql's handler for ML.PREDICT and ML.EVALUATE. */
  async run(principal: Principal, prepared: PreparedStatement, page: { offset: number; first: number }): Promise<MlRows> {
    const statement = prepared.statement as MlStatement;
    if (statement.kind === 'ML_EVALUATE' && page.offset > 0) throw badInput('after', 'ML.EVALUATE answers one row: there is no next page');
    if (statement.kind === 'ML_EVALUATE' && statement.benchmark) {
      if (!this.benchmarkRuns) throw new SqlError('BAD_USER_INPUT', 'this hub does not take benchmark submissions', prepared.source.position(statement.benchmark.offset));
      const { owner, name, version } = statement.model;
      return this.benchmarkRuns.submitBySql(principal, { owner, name, version }, statement.benchmark, this.config.ml.waitMs);
    }
    if (statement.kind === 'ML_EVALUATE' && !statement.input) return this.trainingMetrics(principal, prepared);
    if (page.offset > 0) return this.nextPage(principal, prepared, page);

    const plan = await planMl({ sql: this.sql, catalog: this.catalog, config: this.config }, principal, prepared);
    const { mode, trained, payload, select } = plan;
    const predicted = predictedColumns(trained);
    const columns = mode === 'predict' ? [...plan.inputColumns, ...predicted] : metricColumns(trained.task);
    if (mode === 'predict' && payload.rowCount === 0) return { columns, rows: [], totalCount: 0 };
    if (mode === 'predict') {
      const online = await this.predictOnline(principal, prepared, plan);
      if (online) return { columns, rows: online.slice(page.offset, page.offset + page.first), totalCount: online.length };
    }

    const jobId = randomUUID();
    // The row first: the moment the job is queued an agent may ask for its rows.
    await this.db.query(
      `INSERT INTO ml_jobs (job_id, mode, owner_id, model_version_id, statement, query_sql, datasets, task, labels, label_name, columns, row_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [jobId, mode, principal.user.id, trained.version.id, prepared.source.text, select.sql, JSON.stringify(select.datasets), trained.task,
        JSON.stringify(trained.labels), trained.labelName, JSON.stringify(columns), payload.rowCount],
    );
    try {
      // It reads the model's weights and the input rows: both count for where it may run.
      const model = await this.catalog.byOwnerAndName(statement.model.owner, statement.model.name);
      const reads: DataRead[] = [
        { ownerId: model.ownerId, public: model.visibility === Visibility.PUBLIC, what: `model ${payload.model}` },
        ...(await datasetReads(this.datasets, select.datasets.map((d) => ({ ...d, version: d.number })))),
      ];
      await this.jobs.enqueue({ id: jobId, kind: 'predict', payload, ownerId: principal.user.id, organizationId: null, requirements: {}, maxAttempts: 3, reads });
    } catch (error) {
      await this.db.query(`DELETE FROM ml_jobs WHERE job_id = $1`, [jobId]);
      throw error;
    }
    for (const datasetId of new Set(select.datasets.map((d) => d.datasetId))) await this.datasets.recordUsage(datasetId);

    const status = await this.waitFor(jobId, this.config.ml.waitMs);
    if (status === JobStatus.FAILED || status === JobStatus.CANCELED) {
      const [job] = await this.db.query(`SELECT error FROM jobs WHERE id = $1`, [jobId]);
      throw new SqlError('BAD_USER_INPUT', `the ${statement.kind === 'ML_PREDICT' ? 'ML.PREDICT' : 'ML.EVALUATE'} job ${jobId} ${status}: ${job?.error ?? 'no reason given'}`, null);
    }
    return this.page(jobId, page);
  }

  /** The status once the job has finished, or its status when `ms` have passed. */
  private async waitFor(jobId: string, ms: number): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const [job] = await this.db.query(`SELECT status FROM jobs WHERE id = $1`, [jobId]);
      const status = String(job?.status ?? JobStatus.QUEUED);
      if (FINISHED.includes(status) || Date.now() >= deadline) return status;
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
    }
  }

  /** A page of a job's result: its rows once it succeeded, else the job row. */
  private async page(jobId: string, page: { offset: number; first: number }): Promise<MlRows> {
    const [row]: (MlJobRow & { status: string; error: string | null; result: unknown })[] = await this.db.query(
      `SELECT m.*, j.status, j.error, j.result, j.payload->>'model' AS model FROM ml_jobs m JOIN jobs j ON j.id = m.job_id WHERE m.job_id = $1`,
      [jobId],
    );
    if (!row) throw notFound('Job');
    const rowCount = Number(row.row_count);
    if (row.status !== JobStatus.SUCCEEDED) {
      if (page.offset > 0) throw badInput('after', 'the job has not finished: read its first page again');
      return { columns: JOB_COLUMNS, rows: [[jobId, row.status, row.model, rowCount, row.error]], totalCount: 1 };
    }
    if (row.mode === 'evaluate') {
      if (page.offset > 0) throw badInput('after', 'ML.EVALUATE answers one row: there is no next page');
      const score = row.metrics ?? {};
      if (score.scored === 0) throw badInput('query', `no input row has a label the model knows${row.task === 'classification' ? ' (one of its classes)' : ''}: there is nothing to evaluate against`);
      return { columns: row.columns, rows: [row.columns.map((c) => (typeof score[c.name] === 'number' ? score[c.name] : null))], totalCount: 1 };
    }
    const rows: { input: unknown[]; predicted: unknown[] }[] = await this.db.query(
      `SELECT input, predicted FROM ml_result_rows WHERE job_id = $1 AND n >= $2 ORDER BY n LIMIT $3`,
      [jobId, page.offset, page.first],
    );
    return { columns: row.columns, rows: rows.map((r) => [...r.input, ...(r.predicted ?? [])]), totalCount: rowCount };
  }

  /** runSql's next page of ML.PREDICT: the caller's latest finished job of the same version and query. */
  private async nextPage(principal: Principal, prepared: PreparedStatement, page: { offset: number; first: number }): Promise<MlRows> {
    const trained = await trainedVersion(this.catalog, principal, prepared);
    const [job] = await this.db.query(
      `SELECT m.job_id FROM ml_jobs m JOIN jobs j ON j.id = m.job_id
       WHERE m.owner_id = $1 AND m.model_version_id = $2 AND m.mode = 'predict' AND m.query_sql = $3 AND j.status = 'succeeded'
       ORDER BY m.created_at DESC LIMIT 1`,
      [principal.user.id, trained.version.id, prepared.select!.sql],
    );
    if (job) return this.page(job.job_id, page);
    // Answered online the first time: predicted online again (a deployment answers the same), one page of it.
    if (this.online && prepared.select) {
      const plan = await planMl({ sql: this.sql, catalog: this.catalog, config: this.config }, principal, prepared);
      const online = await this.predictOnline(principal, prepared, plan);
      if (online) return { columns: [...plan.inputColumns, ...predictedColumns(plan.trained)], rows: online.slice(page.offset, page.offset + page.first), totalCount: online.length };
    }
    throw badInput('after', 'no finished ML.PREDICT of this query to page through: run it without a cursor first');
  }

  /**
   * ML.PREDICT through a deployment: the rows of the input query (at most AIMASS_ML_ONLINE_MAX_ROWS)
   * sent as raw records, answered as the job's rows would be (input columns, then the predicted
   * columns of predictedValues; values as the job's rows read back from the database). Null when
   * the job must answer: no predictor, too many rows, no deployment, or the online call failed.
   */
  private async predictOnline(principal: Principal, prepared: PreparedStatement, plan: MlPlan): Promise<unknown[][] | null> {
    const { trained, payload, select } = plan;
    const max = this.config.ml.onlineMaxRows;
    if (!this.online || payload.rowCount === 0 || payload.rowCount > max) return null;
    const statement = prepared.statement as MlStatement;
    const n = payload.rowCount;
    try {
      const model = await this.catalog.byOwnerAndName(statement.model.owner, statement.model.name);
      const input = await this.sql.runWrapped(select, (sql) => `SELECT * FROM (${sql}) AS aimass_ml LIMIT ${n}`, { first: n, maxRows: n, source: prepared.source });
      const records = onlineRecords(input.columns.map((c) => c.name), input.rows, trained.features.map((f) => f.name));
      const answer = await this.online.predict(principal, {
        model: { id: model.id, owner: statement.model.owner, name: statement.model.name },
        versionNumber: trained.version.number,
        records: JSON.parse(JSON.stringify(records)) as Record<string, unknown>[],
      });
      if (!answer) return null;
      const rows = onlineResultRows(trained.task, trained.labels, input.rows, answer.outputs);
      if (!rows) {
        this.log?.warn({ model: payload.model, deployment: answer.deployment }, 'an online ML.PREDICT answer does not fit the version: the job answers');
        return null;
      }
      for (const datasetId of new Set(select.datasets.map((d) => d.datasetId))) await this.datasets.recordUsage(datasetId);
      return rows;
    } catch (error) {
      this.log?.warn({ err: error, model: payload.model }, 'ML.PREDICT could not be answered online: the job answers');
      return null;
    }
  }

  /** ML.EVALUATE without a query: the metrics recorded when the version was trained. */
  private async trainingMetrics(principal: Principal, prepared: PreparedStatement): Promise<MlRows> {
    const trained = await trainedVersion(this.catalog, principal, prepared);
    const metrics = (trained.version.metrics ?? {}) as Record<string, unknown>;
    const columns = metricColumns(trained.task);
    return { columns, rows: [columns.map((c) => (typeof metrics[c.name] === 'number' ? metrics[c.name] : null))], totalCount: 1 };
  }

  /** sqlJobResult: a page of an ML.PREDICT / ML.EVALUATE job the caller may see (NOT_FOUND otherwise). */
  async jobResult(principal: Principal, jobId: string, page: { offset: number; first: number }): Promise<MlPage> {
    const job = await this.jobs.get(principal, jobId);
    const [row]: MlJobRow[] = await this.db.query(`SELECT mode, datasets FROM ml_jobs WHERE job_id = $1`, [job.id]);
    // A benchmark run's outputs are the submission's, read through its scores.
    if (!row || row.mode === 'benchmark') throw notFound('Job');
    const result = await this.page(job.id, page);
    return {
      ...result,
      statement: row.mode === 'predict' ? 'ML_PREDICT' : 'ML_EVALUATE',
      datasets: [...new Map(row.datasets.map((d) => [d.versionId, { owner: d.owner, name: d.name, version: d.number }])).values()],
    };
  }

  /** Housekeeping: deletes the results of jobs that finished more than AIMASS_ML_RESULT_HOURS ago. */
  async sweepResults(): Promise<void> {
    await this.db.query(
      `DELETE FROM ml_jobs m USING jobs j WHERE j.id = m.job_id AND j.status IN ('succeeded', 'failed', 'canceled')
         AND j.finished_at < now() - make_interval(hours => $1)`,
      [this.config.ml.resultHours],
    );
  }

  /**
   * The scheduler's check of an agent's success report: the hub must not have refused this
   * attempt's outputs, and must hold an output from this attempt for every input row. For
   * ML.EVALUATE the hub then scores them (evaluation-score.ts) and keeps the metrics: what the
   * user reads is the hub's computation, never the agent's word. Answers why not, or null.
   */
  async checkResult(jobId: string, result: JobResult<'predict'>): Promise<string | null> {
    const [row] = await this.db.query(
      `SELECT m.mode, m.row_count, m.task, m.labels, m.refusal, m.refused_attempt, j.attempts FROM ml_jobs m JOIN jobs j ON j.id = m.job_id WHERE m.job_id = $1`,
      [jobId],
    );
    if (!row) return 'the job has no ML.PREDICT / ML.EVALUATE statement';
    const attempt = Number(row.attempts);
    if (row.refusal && Number(row.refused_attempt) === attempt) return `the hub refused its predictions (${row.refusal})`;
    const rowCount = Number(row.row_count);
    if (result.rows !== rowCount) return `it read ${result.rows} rows, the query returns ${rowCount}`;
    const [{ done }] = await this.db.query(`SELECT count(*)::int AS done FROM ml_result_rows WHERE job_id = $1 AND attempt = $2 AND predicted IS NOT NULL`, [jobId, attempt]);
    if (done !== rowCount) return `the hub holds predictions for ${done} of the ${rowCount} rows`;
    if (row.mode === 'evaluate') {
      const score = await scoreEvaluation(this.db, { id: jobId, attempt, task: row.task, labels: row.labels });
      await this.db.query(`UPDATE ml_jobs SET metrics = $2 WHERE job_id = $1`, [jobId, JSON.stringify({ ...score.metrics, scored: score.scored, skipped: score.skipped })]);
    }
    if (row.mode === 'benchmark') {
      if (!this.benchmarkRuns) return 'the hub cannot score benchmark runs';
      return this.benchmarkRuns.score(jobId, attempt);
    }
    return null;
  }
}

/** ML.PREDICT's columns after the input's: predicted_<label> (and predicted_<label>_probs for classifiers). */
function predictedColumns(trained: TrainedVersion): { name: string; type: string }[] {
  return trained.task === 'classification'
    ? [{ name: `predicted_${trained.labelName}`, type: 'text' }, { name: `predicted_${trained.labelName}_probs`, type: 'jsonb' }]
    : [{ name: `predicted_${trained.labelName}`, type: 'double precision' }];
}

function metricColumns(task: 'classification' | 'regression'): { name: string; type: string }[] {
  return (task === 'classification' ? CLASSIFICATION_METRICS : REGRESSION_METRICS).map((name) => ({ name, type: 'double precision' }));
}
