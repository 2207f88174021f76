/**
 * Training by SQL, as users meet it: CREATE [OR REPLACE] MODEL … AS SELECT starts a `train` job
 * (after every check in training-plan.ts), ML.TRIAL_INFO lists a tuning's trials, and GraphQL shows
 * a run and streams its epochs. ML.TRAINING_INFO (the epochs its agent reported) is
 * training-info.ts; the agent's side (rows, epochs, checkpoints, the trained model) is
 * training-agent-door.ts.
 *
 * BigQuery ML semantics (https://cloud.google.com/bigquery/docs/reference/standard-sql/bigqueryml-syntax-create):
 * CREATE MODEL of an existing model is CONFLICT; OR REPLACE trains a new version of it; IF NOT
 * EXISTS does nothing when it exists. A model made here starts PRIVATE (its training data may be).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { trainHyperparameters, type JobResult, type TrainHyperparameters } from '../../../schema/index.js';
import type { OrganizationsService } from '../accounts/index.js';
import type { Principal } from '../accounts/index.js';
import type { ArchitecturesService } from '../architectures/index.js';
import { ModelVisibility, type CatalogService, type Model } from '../catalog/index.js';
import type { JobsService } from '../compute/index.js';
import { residencyOf, type DataRead } from '../compute/index.js';
import type { Job } from '../compute/index.js';
import type { Config } from '../config.js';
import type { DatasetsService } from '../datasets/index.js';
import { AppError, notFound } from '../errors.js';
import type { EventBus } from '../pubsub.js';
import { SqlError, type PreparedStatement, type SqlStatement } from '../sql/index.js';
import { TrainingCheckpoint } from './training-checkpoint.entity.js';
import { TrainingEpoch } from './training-epoch.entity.js';
import { planTraining, type CreateModelStatement, type TrainingPlan } from './training-plan.js';
import { TrainingRun, type RunDeploy } from './training-run.entity.js';
import type { TrainingSql } from './training-sql.js';
import type { TrainingTuner } from './training-tuner.js';
import { trainingReads } from './training-reads.js';
import { TrainingTuning } from './training-tuning.entity.js';
import { drawTrials, tunedValues } from './tuning-search.js';

/** The deployment a statement asks for (OPTIONS deploy / deployment), with the credential that asked. */
function runDeploy(principal: Principal, statement: CreateModelStatement): RunDeploy | null {
  const asked = statement.options.deploy;
  if (!asked) return null;
  return {
    name: asked.name ?? statement.model.name,
    via: principal.via,
    credentialId: principal.credentialId,
    scopes: principal.scopes === 'all' ? 'all' : [...principal.scopes],
  };
}

/** Rows a statement answers (runSql pages them). */
export interface StatementRows {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  totalCount: number;
}

const CREATE_MODEL_COLUMNS = [
  { name: 'job_id', type: 'uuid' },
  { name: 'status', type: 'text' },
  { name: 'model', type: 'text' },
  { name: 'label', type: 'text' },
  { name: 'features', type: 'text[]' },
  { name: 'rows', type: 'bigint' },
  { name: 'placement', type: 'text' },
];

/** After BigQuery's ML.TRIAL_INFO, with the reason a trial failed. */
const TRIAL_INFO_COLUMNS = [
  { name: 'trial_id', type: 'bigint' },
  { name: 'hyperparameters', type: 'jsonb' },
  { name: 'hparam_tuning_evaluation_metrics', type: 'jsonb' },
  { name: 'training_loss', type: 'double precision' },
  { name: 'eval_loss', type: 'double precision' },
  { name: 'status', type: 'text' },
  { name: 'error_message', type: 'text' },
  { name: 'is_optimal', type: 'boolean' },
];

/** One trial of a tuning as users see it (GraphQL TrainingTrial, ML.TRIAL_INFO). */
export interface TrialView {
  number: number;
  jobId: string;
  /** pending (waiting for a slot), or its job's status. */
  status: string;
  error: string | null;
  /** The tuned options' values, by their SQL names. */
  hyperparameters: Record<string, unknown>;
  allHyperparameters: TrainHyperparameters;
  /** The trained model's metrics on the evaluation split; null until it is in. */
  evalMetrics: Record<string, number> | null;
  objective: string;
  score: number | null;
  trainingLoss: number | null;
  evalLoss: number | null;
  isOptimal: boolean;
}

/** A CREATE MODEL statement a user ran was accepted: its model exists and its job is queued. */
export interface CreateModelEvent {
  principal: Principal;
  modelId: string;
  /** The statement as written. */
  statement: string;
  prepared: PreparedStatement;
}

/** Told after a user's CREATE MODEL was accepted (retraining keeps its triggers); a failure is the statement's error. */
export type CreateModelListener = (event: CreateModelEvent) => Promise<void>;

export class TrainingService {
  private readonly createListeners: CreateModelListener[] = [];
  /** See tuningOf(). */
  private readonly tuningReads = new WeakMap<TrainingRun, Promise<TrainingTuning | null>>();

  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
    private readonly sql: TrainingSql,
    private readonly catalog: CatalogService,
    private readonly architectures: ArchitecturesService,
    private readonly organizations: OrganizationsService,
    private readonly datasets: DatasetsService,
    private readonly jobs: JobsService,
    private readonly events: EventBus,
    /** Tuning (num_trials > 1): queues trials as slots free up and makes the version from the best. */
    readonly tuner: TrainingTuner,
    /** Told of each training job queued, with its run: reads the agent's first rows ahead (TrainingAgentDoor.prefetchRows). */
    private readonly queued?: (jobId: string, run: TrainingRun) => void,
  ) {}

  private get runs() {
    return this.db.getRepository(TrainingRun);
  }

  /** Registers a listener told of each CREATE MODEL a user ran (not of the ones retraining runs). */
  onCreateModel(listener: CreateModelListener): void {
    this.createListeners.push(listener);
  }

  /**
   * CREATE [OR REPLACE] MODEL … AS SELECT, prepared (parsed, names resolved, access checked) by
   * the SQL surface. Checks the training data, makes the model if it is new, and queues the job.
   * Answers one row: the job's id and status, the model, the label, the features and the row count.
   */
  async createModel(principal: Principal, prepared: PreparedStatement, origin: { retraining?: boolean } = {}): Promise<StatementRows> {
    const statement = prepared.statement as CreateModelStatement;
    const { owner, name } = statement.model;
    const at = prepared.source.position(statement.model.offset);
    let model: Model | null = null;
    try {
      model = await this.catalog.byOwnerAndName(owner, name);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'NOT_FOUND')) throw error;
    }
    if (model && statement.ifNotExists) {
      return { columns: CREATE_MODEL_COLUMNS, rows: [[null, 'exists', `${owner}.${name}`, null, [], null, null]], totalCount: 1 };
    }
    if (model && !statement.replace) {
      throw new SqlError('CONFLICT', `model ${owner}.${name} already exists: write CREATE OR REPLACE MODEL to train a new version of it`, at);
    }
    const plan = await planTraining({ sql: this.sql, config: this.config, architectures: this.architectures }, principal, prepared);
    if (!model) model = await this.newModel(principal, statement, plan.payload.task, at);

    const organizationId = (await this.organizations.byIds([model.ownerId]))[0]?.id ?? null;
    const reads = await trainingReads(this.datasets, plan.datasets, plan.architecture);
    const placement = await this.jobs.placement(residencyOf(reads), principal.user.id);
    if (statement.options.numTrials > 1) {
      const answer = await this.createTuning(principal, prepared, model, plan, organizationId, reads, placement.text);
      if (!origin.retraining) await this.created(principal, model.id, prepared);
      return answer;
    }
    const deploy = runDeploy(principal, statement);
    const jobId = randomUUID();
    // The run first: the moment the job is queued an agent may ask for its rows.
    const run = await this.runs.save(
      this.runs.create({
        jobId,
        modelId: model.id,
        ownerId: principal.user.id,
        statement: prepared.source.text,
        querySql: plan.querySql,
        datasets: plan.datasets,
        modelType: plan.payload.modelType,
        task: plan.payload.task,
        label: plan.payload.label,
        features: plan.payload.features,
        hyperparameters: plan.payload.hyperparameters,
        rowCount: plan.payload.rowCount,
        modelVersionId: null,
        epochsTrained: null,
        stoppedEarly: null,
        deploy,
        deployMessage: null,
      }),
    );
    let job: Job;
    try {
      job = await this.jobs.enqueue({ id: jobId, kind: 'train', payload: plan.payload, ownerId: principal.user.id, organizationId, requirements: {}, maxAttempts: 3, reads });
    } catch (error) {
      await this.runs.delete({ id: run.id });
      throw error;
    }
    this.queued?.(job.id, run);
    for (const datasetId of new Set(plan.datasets.map((d) => d.datasetId))) await this.datasets.recordUsage(datasetId);
    if (!origin.retraining) await this.created(principal, model.id, prepared);
    const row = [job.id, job.status, `${owner}.${name}`, plan.payload.label.name, plan.payload.features.map((f) => f.name), plan.payload.rowCount, placement.text];
    return { columns: CREATE_MODEL_COLUMNS, rows: [row], totalCount: 1 };
  }

  /**
   * CREATE MODEL with num_trials > 1: draws every trial's hyperparameters (tuning-search.ts; seeded
   * by the statement, so the same statement tries the same values), writes the tuning and a run per
   * trial, and lets the tuner queue the first max_parallel_trials. Answers like a single training,
   * with the first trial's job (trainingRun(jobId) shows every trial).
   */
  private async createTuning(
    principal: Principal,
    prepared: PreparedStatement,
    model: Model,
    plan: TrainingPlan,
    organizationId: string | null,
    reads: DataRead[],
    placement: string,
  ): Promise<StatementRows> {
    const statement = prepared.statement as CreateModelStatement;
    const { numTrials, maxParallelTrials } = statement.options;
    const seed = parseInt(createHash('sha256').update(prepared.source.text).digest('hex').slice(0, 8), 16);
    const drawn = drawTrials(plan.payload.hyperparameters, plan.space, numTrials, seed);
    const trials = drawn.trials.map((h) => trainHyperparameters.parse(h));
    const objective = plan.payload.task === 'classification' ? 'log_loss' : 'mean_squared_error';
    const jobIds = trials.map(() => randomUUID());
    const tuningId = await this.db.transaction(async (tx) => {
      const tuning = await tx.getRepository(TrainingTuning).save(
        tx.getRepository(TrainingTuning).create({
          modelId: model.id,
          ownerId: principal.user.id,
          organizationId,
          numTrials: trials.length,
          maxParallelTrials: Math.min(maxParallelTrials, trials.length),
          seed,
          search: drawn.search,
          objective,
          payload: plan.payload,
          tuned: plan.space.map(([key]) => key),
          reads,
          status: 'running',
        }),
      );
      await tx.getRepository(TrainingRun).insert(
        trials.map((hyperparameters, i) => ({
          jobId: jobIds[i],
          modelId: model.id,
          ownerId: principal.user.id,
          statement: prepared.source.text,
          querySql: plan.querySql,
          datasets: plan.datasets,
          modelType: plan.payload.modelType,
          task: plan.payload.task,
          label: plan.payload.label,
          features: plan.payload.features,
          hyperparameters,
          rowCount: plan.payload.rowCount,
          modelVersionId: null,
          epochsTrained: null,
          stoppedEarly: null,
          tuningId: tuning.id,
          trialNumber: i + 1,
          trialSubmitted: false,
          trialArtifact: null,
          deploy: runDeploy(principal, statement),
          deployMessage: null,
        })),
      );
      return tuning.id;
    });
    await this.tuner.advance(tuningId);
    const [first] = await this.db.query(`SELECT status FROM jobs WHERE id = $1`, [jobIds[0]]);
    if (!first) throw new AppError('INTERNAL', 'the first trial of the tuning could not be queued');
    for (const datasetId of new Set(plan.datasets.map((d) => d.datasetId))) await this.datasets.recordUsage(datasetId);
    const { owner, name } = statement.model;
    const row = [jobIds[0], first.status, `${owner}.${name}`, plan.payload.label.name, plan.payload.features.map((f) => f.name), plan.payload.rowCount, placement];
    return { columns: CREATE_MODEL_COLUMNS, rows: [row], totalCount: 1 };
  }

  private async created(principal: Principal, modelId: string, prepared: PreparedStatement): Promise<void> {
    for (const listener of this.createListeners) await listener({ principal, modelId, statement: prepared.source.text, prepared });
  }

  /**
   * The tuning a run is a trial of (null without tuning), read once per run object (runs are loaded
   * per request): a query's `tuning` and `trials` then agree, never "succeeded" with no best trial.
   */
  tuningOf(run: TrainingRun): Promise<TrainingTuning | null> {
    let read = this.tuningReads.get(run);
    if (!read) {
      read = run.tuningId ? this.db.getRepository(TrainingTuning).findOneBy({ id: run.tuningId }) : Promise.resolve(null);
      this.tuningReads.set(run, read);
    }
    return read;
  }

  /** Every trial of a run's tuning, with its tuned values and score; empty for a run without tuning. */
  async trialsOf(run: TrainingRun): Promise<TrialView[]> {
    const tuning = await this.tuningOf(run);
    if (!tuning) return [];
    return this.trialViews(tuning);
  }

  private async trialViews(tuning: TrainingTuning): Promise<TrialView[]> {
    const rows = await this.tuner.trials(tuning.id);
    const runs = await this.db.getRepository(TrainingRun).find({ where: { tuningId: tuning.id }, order: { trialNumber: 'ASC' } });
    const byId = new Map(runs.map((r) => [r.id, r]));
    const keys = tuning.tuned;
    const losses: { run_id: string; loss: number; eval_loss: number | null }[] = await this.db.query(
      `SELECT DISTINCT ON (e.run_id) e.run_id, e.loss, e.eval_loss FROM training_epochs e JOIN training_runs r ON r.id = e.run_id
       WHERE r.tuning_id = $1 ORDER BY e.run_id, e.epoch DESC, e.attempt DESC`,
      [tuning.id],
    );
    const lastLoss = new Map(losses.map((l) => [l.run_id, l]));
    return rows.map((t) => {
      const run = byId.get(t.runId)!;
      const loss = lastLoss.get(t.runId);
      return {
        number: t.number,
        jobId: t.jobId,
        status: t.status,
        error: t.status === 'failed' ? t.error : null,
        hyperparameters: tunedValues(run.hyperparameters, keys),
        allHyperparameters: run.hyperparameters,
        evalMetrics: t.metrics,
        objective: tuning.objective,
        score: t.score,
        trainingLoss: loss ? Number(loss.loss) : null,
        evalLoss: loss?.eval_loss == null ? null : Number(loss.eval_loss),
        isOptimal: tuning.bestRunId === t.runId,
      };
    });
  }

  /**
   * ML.TRIAL_INFO(MODEL owner.name[@version]), after BigQuery ML: one row per trial of the tuning
   * that made that version, or of the model's latest tuning (readable while it runs).
   */
  async trialInfo(principal: Principal, prepared: PreparedStatement, page: { offset: number; first: number }): Promise<StatementRows> {
    const statement = prepared.statement as Extract<SqlStatement, { kind: 'ML_TRIAL_INFO' }>;
    const ref = statement.model;
    const at = prepared.source.position(ref.offset);
    const model = await this.catalog.get(principal, ref.owner, ref.name);
    let tuning: TrainingTuning | null;
    if (ref.version) {
      const version = await this.catalog.version(principal, ref.owner, ref.name, ref.version);
      tuning = await this.db.getRepository(TrainingTuning).findOneBy({ modelVersionId: version.id });
      if (!tuning) throw new SqlError('BAD_USER_INPUT', `version ${version.number} of model ${ref.owner}.${ref.name} was not made by hyperparameter tuning (num_trials > 1): it has no trials`, at);
    } else {
      tuning = await this.db.getRepository(TrainingTuning).findOne({ where: { modelId: model.id }, order: { createdAt: 'DESC' } });
      if (!tuning) throw new SqlError('BAD_USER_INPUT', `model ${ref.owner}.${ref.name} has no tuning runs: tune it with CREATE MODEL … OPTIONS(num_trials = n, … HPARAM_RANGE(…)) AS SELECT …`, at);
    }
    const trials = await this.trialViews(tuning);
    const rows = trials.slice(page.offset, page.offset + page.first).map((t) => [
      t.number,
      t.hyperparameters,
      t.evalMetrics ?? {},
      t.trainingLoss,
      t.evalLoss,
      t.status.toUpperCase(),
      t.error,
      t.isOptimal,
    ]);
    return { columns: TRIAL_INFO_COLUMNS, rows, totalCount: trials.length };
  }

  private async newModel(principal: Principal, statement: CreateModelStatement, task: string, at: ReturnType<PreparedStatement['source']['position']>): Promise<Model> {
    const { owner, name } = statement.model;
    try {
      return await this.catalog.create(principal, {
        owner,
        name,
        task,
        visibility: ModelVisibility.PRIVATE,
        description: `Trained by SQL (CREATE MODEL, model_type '${statement.options.modelType}').`,
      });
    } catch (error) {
      if (error instanceof AppError && !(error instanceof SqlError)) {
        // Another CREATE MODEL of the same name won the race.
        const message = error.code === 'CONFLICT' ? `model ${owner}.${name} already exists: write CREATE OR REPLACE MODEL to train a new version of it` : error.message;
        throw new SqlError(error.code, message, at);
      }
      throw error;
    }
  }

  /** The training run of a job the caller may see (NOT_FOUND otherwise, as for the job). */
  async runOfJob(principal: Principal, jobId: string): Promise<TrainingRun> {
    const job = await this.jobs.get(principal, jobId);
    const run = await this.runs.findOneBy({ jobId: job.id });
    if (!run) throw notFound('Training run');
    return run;
  }

  /** Each epoch once (the latest attempt's), in order. */
  epochs(runId: string): Promise<TrainingEpoch[]> {
    return this.db
      .getRepository(TrainingEpoch)
      .createQueryBuilder('e')
      .where('e.runId = :runId', { runId })
      .distinctOn(['e.epoch'])
      .orderBy('e.epoch', 'ASC')
      .addOrderBy('e.attempt', 'DESC')
      .getMany();
  }

  /** The training curve of a version made by CREATE MODEL (empty for other versions). */
  async curveOfVersion(versionId: string): Promise<TrainingEpoch[]> {
    const run = await this.runs.findOneBy({ modelVersionId: versionId });
    return run ? this.epochs(run.id) : [];
  }

  async latestCheckpointEpoch(runId: string): Promise<number | null> {
    const checkpoint = await this.db.getRepository(TrainingCheckpoint).findOne({ where: { runId }, order: { epoch: 'DESC', createdAt: 'DESC' } });
    return checkpoint?.epoch ?? null;
  }

  /** The model a run trains, as owner/name and the version it made (null until it made one; for a trial, its tuning's version). */
  async modelOf(run: TrainingRun): Promise<{ owner: string; name: string; versionNumber: number | null }> {
    const [row] = await this.db.query(
      `SELECT m.name, coalesce(u.username, o.handle) AS owner, v.number FROM models m
       LEFT JOIN users u ON u.id = m.owner_id LEFT JOIN organizations o ON o.id = m.owner_id
       LEFT JOIN model_versions v ON v.id = coalesce($2, (SELECT model_version_id FROM training_tunings WHERE id = $3)) WHERE m.id = $1`,
      [run.modelId, run.modelVersionId, run.tuningId],
    );
    return { owner: row?.owner ?? '', name: row?.name ?? '', versionNumber: row?.number == null ? null : Number(row.number) };
  }

  /** Live epochs of a job the caller may see. */
  async subscribeEpochs(principal: Principal, jobId: string) {
    const run = await this.runOfJob(principal, jobId);
    return this.events.subscribe('TRAINING_EPOCH', run.jobId);
  }

  /**
   * The scheduler's check of an agent's success report: the version it names must be the one the
   * hub made from the model it uploaded (POST /api/jobs/:id/model). Answers why not, or null.
   */
  async checkResult(jobId: string, result: JobResult<'train'>): Promise<string | null> {
    const run = await this.runs.findOneBy({ jobId });
    if (!run) return 'the job has no training run';
    if (run.tuningId) {
      // A trial's model is kept, not made a version (TrainingAgentDoor.keepTrialModel names the trial).
      if (!run.trialArtifact) return 'no trained model was uploaded for it';
      if (result.modelVersionId !== run.id) return 'the trial it names is not this one';
      return null;
    }
    if (!run.modelVersionId) return 'no trained model was uploaded for it';
    if (run.modelVersionId !== result.modelVersionId) return 'the model version it names is not the one made from its upload';
    return null;
  }
}
