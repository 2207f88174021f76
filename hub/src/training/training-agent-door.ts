/**
 * The training agent's door (behind training-agent.routes.ts, job token only): the rows it trains
 * on, read through the SQL sandbox in chunks (the hub never holds the whole result); the epochs it
 * reports; its checkpoints; and the trained model, which becomes a model version only after the
 * same checks as any upload (CatalogService.checkUploadedModel, VersionMetadataService rules).
 *
 * The agent is untrusted: every body is parsed with its schema (schema/training.ts) and bounded,
 * and a report is believed only about the job and attempt its token belongs to.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import {
  checkpointState,
  checkpointWeightBytes,
  epochReports,
  ROWS_READ_AHEAD,
  trainedModelInfo,
  type CheckpointState,
  type FeatureColumn,
  type TrainedModelInfo,
} from '../../../schema/index.js';
import type { ArtifactStore, BlobSweeper, PutResult } from '../artifacts/index.js';
import type { CatalogService, FeatureSpecInput, StoredLineage, VersionMetadataService } from '../catalog/index.js';
import type { LeasedJob } from '../compute/index.js';
import type { Config } from '../config.js';
import { rows } from '../db/rows.js';
import { AppError, badInput, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { EventBus } from '../pubsub.js';
import { RowsPrefetch } from './rows-prefetch.js';
import { TrainingCheckpoint } from './training-checkpoint.entity.js';
import { TrainingEpoch } from './training-epoch.entity.js';
import { TrainingRun, type TrialArtifact } from './training-run.entity.js';
import type { TrainingRowsSql } from './training-sql.js';
import type { TrainedVersions } from './trained-versions.js';

/** Checkpoints kept per run: the newest, and one before it in case the newest is bad. */
const KEEP_CHECKPOINTS = 2;
const MAX_STATE_BYTES = 16 * 1024 * 1024;
const MAX_INFO_BYTES = 16 * 1024 * 1024;

export interface FinishedModel {
  modelVersionId: string;
  versionNumber: number;
  epochs: number;
  stoppedEarly: boolean;
}

export class TrainingAgentDoor {
  private readonly prefetch: RowsPrefetch;

  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
    private readonly sql: TrainingRowsSql,
    private readonly catalog: CatalogService,
    private readonly versionMetadata: VersionMetadataService,
    private readonly store: ArtifactStore,
    private readonly blobs: BlobSweeper,
    private readonly events: EventBus,
    private readonly log: Logger,
    /** Told once a run's version is made (serving deploys it when the statement asked). */
    private readonly trained?: Pick<TrainedVersions, 'landed'>,
    metrics?: Pick<Metrics, 'trainingRowsPrefetched'>,
  ) {
    this.prefetch = new RowsPrefetch(metrics);
  }

  /** The run of a `train` job the token opens (with its query); NOT_FOUND for any other job. */
  private async runOf(job: LeasedJob, withQuery = false): Promise<TrainingRun> {
    if (job.kind !== 'train') throw notFound('Job');
    const qb = this.db.getRepository(TrainingRun).createQueryBuilder('r').where('r.jobId = :id', { id: job.id });
    if (withQuery) qb.addSelect('r.querySql');
    const run = await qb.getOne();
    if (!run) throw notFound('Job');
    return run;
  }

  /**
   * GET rows: `limit` rows from `offset` of the training query (at most AIMASS_TRAIN_CHUNK_ROWS),
   * as the JSON text of a RowsChunk (schema/training.ts): the rows as PostgreSQL wrote them, sent on unparsed.
   */
  async rows(job: LeasedJob, offset: number, limit: number): Promise<string> {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > this.config.training.maxRows) throw badInput('offset', `must be a whole number from 0 to ${this.config.training.maxRows}`);
    if (!Number.isSafeInteger(limit) || limit < 1) throw badInput('limit', 'must be a whole number of at least 1');
    if (job.kind !== 'train') throw notFound('Job');
    const first = this.chunkRows(offset, limit);
    // Read ahead while the job was dispatched (only a train job's chunks are: the kind is checked above).
    const ready = await this.prefetch.take(job.id, offset, first);
    return ready ?? this.readChunk(await this.runOf(job, true), offset, first);
  }

  /**
   * Reads the chunks a queued training job's agent asks for first, ahead of its requests
   * (rows-prefetch.ts): the run is the one just saved, with its query.
   */
  prefetchRows(jobId: string, run: Pick<TrainingRun, 'querySql' | 'datasets' | 'rowCount'>): void {
    const size = this.config.training.chunkRows;
    const chunks: { offset: number; first: number }[] = [];
    for (let k = 0; k < ROWS_READ_AHEAD && (k === 0 || k * size < run.rowCount); k++) chunks.push({ offset: k * size, first: this.chunkRows(k * size, size) });
    this.prefetch.start(jobId, chunks, (offset, first) => this.readChunk(run, offset, first));
  }

  /** How many rows from `offset` a request for `limit` gets: a chunk at most, and one past the row limit (so too many rows show). */
  private chunkRows(offset: number, limit: number): number {
    return Math.min(limit, this.config.training.chunkRows, this.config.training.maxRows - offset + 1);
  }

  /** `first` rows from `offset` of the run's query, as the JSON text of a RowsChunk. */
  private async readChunk(run: Pick<TrainingRun, 'querySql' | 'datasets'>, offset: number, first: number): Promise<string> {
    const select = {
      sql: run.querySql,
      datasets: run.datasets.map((d) => ({ owner: d.owner, name: d.name, datasetId: d.datasetId, versionId: d.versionId, number: d.version, table: d.table })),
    };
    // A plain scan of immutable dataset tables returns rows in the same order on every run (the
    // sandbox turns parallel plans off), so OFFSET pages are stable across requests and attempts.
    const page = await this.sql.runWrappedJson(select, (sql) => `SELECT * FROM (${sql}) AS aimass_train OFFSET ${offset} LIMIT ${first}`, first);
    return `{"columns":${JSON.stringify(page.columns)},"rows":[${page.rowsJson}],"offset":${offset}}`;
  }

  /** POST epochs: records the attempt's epochs (a repeated report replaces its row) and publishes them. */
  async recordEpochs(job: LeasedJob, body: unknown): Promise<{ recorded: number }> {
    const parsed = parse(epochReports, body, 'body');
    const run = await this.runOf(job);
    const saved: TrainingEpoch[] = [];
    for (const e of parsed.epochs) {
      if (e.epoch > run.hyperparameters.epochs) throw badInput('epochs', `epoch ${e.epoch} is beyond the ${run.hyperparameters.epochs} epochs asked for`);
      const [row] = await this.db.query(
        `INSERT INTO training_epochs (run_id, epoch, attempt, node_id, loss, eval_loss, learning_rate, duration_ms, metrics)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (run_id, epoch, attempt) DO UPDATE SET loss = EXCLUDED.loss, eval_loss = EXCLUDED.eval_loss,
           learning_rate = EXCLUDED.learning_rate, duration_ms = EXCLUDED.duration_ms, metrics = EXCLUDED.metrics, created_at = now()
         RETURNING created_at`,
        [run.id, e.epoch, job.attempt, job.nodeId, e.loss, e.evalLoss, e.learningRate, e.durationMs, JSON.stringify(e.metrics)],
      );
      saved.push(Object.assign(new TrainingEpoch(), { runId: run.id, epoch: e.epoch, attempt: job.attempt, nodeId: job.nodeId, loss: e.loss, evalLoss: e.evalLoss, learningRate: e.learningRate, durationMs: e.durationMs, metrics: e.metrics, createdAt: row.created_at }));
    }
    for (const epoch of saved) this.events.publish('TRAINING_EPOCH', job.id, epoch);
    // The trained model follows the epochs: its check's TF.js gets ready meanwhile, off the event loop.
    this.catalog.prepareModelCheck();
    return { recorded: saved.length };
  }

  /**
   * POST checkpoints (multipart: state.json + weights.bin). The state must describe this run's
   * features and its weights exactly; the blobs are kept (and named for the orphan sweep) with the
   * row, and older checkpoints beyond the newest {@link KEEP_CHECKPOINTS} are deleted.
   */
  async saveCheckpoint(job: LeasedJob, headers: IncomingHttpHeaders, body: Readable): Promise<{ epoch: number }> {
    const run = await this.runOf(job);
    const { files, created } = await this.catalog.receiveUpload(headers, body);
    try {
      const names = [...files.keys()].sort();
      if (names.join(',') !== 'state.json,weights.bin') throw badInput('body', `a checkpoint is exactly state.json and weights.bin (got ${names.join(', ') || 'nothing'})`);
      const stateFile = files.get('state.json')!;
      const weightsFile = files.get('weights.bin')!;
      const state: CheckpointState = parse(checkpointState, await this.readJson(stateFile, MAX_STATE_BYTES, 'state.json'), 'state.json');
      if (state.epoch > run.hyperparameters.epochs) throw badInput('state.json', `epoch ${state.epoch} is beyond the ${run.hyperparameters.epochs} epochs asked for`);
      sameColumns(state.features, run.features, 'state.json');
      if (checkpointWeightBytes(state) !== weightsFile.size) throw badInput('weights.bin', `has ${weightsFile.size} bytes, its weights need ${checkpointWeightBytes(state)}`);
      await this.db.getRepository(TrainingCheckpoint).insert({
        runId: run.id,
        epoch: state.epoch,
        attempt: job.attempt,
        nodeId: job.nodeId,
        stateSha256: stateFile.sha256,
        weightsSha256: weightsFile.sha256,
        bytes: stateFile.size + weightsFile.size,
      });
    } catch (error) {
      await this.blobs.deleteUnreferenced(created);
      throw error;
    }
    await this.prune(run.id, KEEP_CHECKPOINTS);
    return { epoch: (await this.latest(run.id))!.epoch };
  }

  /** Deletes all but the newest `keep` checkpoints of a run, and their blobs unless named elsewhere. */
  private async prune(runId: string, keep: number): Promise<void> {
    const old = rows<{ state_sha256: string; weights_sha256: string }>(await this.db.query(
      `DELETE FROM training_checkpoints WHERE id IN (
         SELECT id FROM training_checkpoints WHERE run_id = $1 ORDER BY epoch DESC, created_at DESC OFFSET $2)
       RETURNING state_sha256, weights_sha256`,
      [runId, keep],
    ));
    if (old.length > 0) await this.blobs.deleteUnreferenced(old.flatMap((r) => [r.state_sha256, r.weights_sha256]));
  }

  private latest(runId: string): Promise<TrainingCheckpoint | null> {
    return this.db.getRepository(TrainingCheckpoint).findOne({ where: { runId }, order: { epoch: 'DESC', createdAt: 'DESC' } });
  }

  /** GET checkpoint: the newest checkpoint's state.json, or null when there is none. */
  async latestCheckpoint(job: LeasedJob): Promise<{ body: Readable; size: number } | null> {
    const checkpoint = await this.latest((await this.runOf(job)).id);
    if (!checkpoint) return null;
    return { body: await this.store.get(checkpoint.stateSha256), size: checkpoint.bytes };
  }

  /** GET checkpoint/weights: the newest checkpoint's weights. */
  async latestCheckpointWeights(job: LeasedJob): Promise<Readable> {
    const checkpoint = await this.latest((await this.runOf(job)).id);
    if (!checkpoint) throw notFound('Checkpoint');
    return this.store.get(checkpoint.weightsSha256);
  }

  /** GET model: the version already made from this run (an earlier attempt uploaded it), or null. */
  async finished(job: LeasedJob): Promise<FinishedModel | null> {
    const run = await this.runOf(job);
    if (run.tuningId) return trialFinished(run);
    if (!run.modelVersionId) return null;
    const [version] = await this.db.query(`SELECT number FROM model_versions WHERE id = $1`, [run.modelVersionId]);
    if (!version) return null;
    return { modelVersionId: run.modelVersionId, versionNumber: Number(version.number), epochs: run.epochsTrained ?? 0, stoppedEarly: run.stoppedEarly ?? false };
  }

  /**
   * POST model (multipart: model.json + weight shards + training.json). The model is checked like
   * any upload, training.json's features, labels and metrics like an uploader's metadata (and the
   * features must be this run's columns), then the version is written with the hub's own lineage
   * (dataset versions, statement, hyperparameters, job, node; declared: false) in the same
   * transaction that ties it to the run. A second upload for a run that has its version answers
   * that version (the first answer was lost) and keeps nothing. `timings` is given the milliseconds
   * of each step (receive: the files stored; check: the model loaded and its metadata checked;
   * version: the version written), which the route answers as Server-Timing.
   */
  async uploadModel(job: LeasedJob, headers: IncomingHttpHeaders, body: Readable, timings: Record<string, number> = {}): Promise<FinishedModel> {
    let lapAt = performance.now();
    const lap = (step: string) => {
      const now = performance.now();
      timings[step] = now - lapAt;
      lapAt = now;
    };
    const run = await this.runOf(job);
    const { files, created } = await this.catalog.receiveUpload(headers, body);
    lap('receive');
    const infoFile = files.get('training.json');
    try {
      const already = await this.finished(job);
      if (already) {
        await this.blobs.deleteUnreferenced(created);
        return already;
      }
      if (!infoFile) throw badInput('training.json', 'is missing: upload it beside model.json');
      const info: TrainedModelInfo = parse(trainedModelInfo, await this.readJson(infoFile, MAX_INFO_BYTES, 'training.json'), 'training.json');
      files.delete('training.json');
      sameColumns(info.features, run.features, 'training.json');
      if (run.task === 'classification' && (info.labels.length < 2 || info.labels.length > this.config.training.maxClasses)) {
        throw badInput('training.json', `a classifier needs 2 to ${this.config.training.maxClasses} labels, got ${info.labels.length}`);
      }
      if (run.task === 'regression' && info.labels.length > 0) throw badInput('training.json', 'a regressor has no class labels');
      if (info.epochs > run.hyperparameters.epochs) throw badInput('training.json', `epochs ${info.epochs} is beyond the ${run.hyperparameters.epochs} asked for`);
      const loaded = await this.catalog.checkUploadedModel(files);
      const { signature, metrics } = this.versionMetadata.checkTrainedMetadata(loaded, {
        features: info.features as unknown as FeatureSpecInput[],
        labels: info.labels,
        metrics: info.metrics,
      });
      lap('check');
      if (run.tuningId) {
        const kept = await this.keepTrialModel(run, files, signature, metrics, info);
        await this.blobs.deleteUnreferenced([infoFile.sha256]);
        return kept;
      }
      const lineage: StoredLineage = {
        declared: false,
        datasetVersionId: run.datasets[0]?.versionId,
        datasetVersionIds: run.datasets.map((d) => d.versionId),
        trainingJobId: job.id,
        nodeId: job.nodeId,
        sql: run.statement,
        hyperparameters: { model_type: run.modelType, task: run.task, label: run.label.name, ...run.hyperparameters },
      };
      const version = await this.catalog.addVersion(
        run.modelId,
        files,
        { signature, metrics, lineage: lineage as Record<string, unknown>, createdBy: run.ownerId },
        async (tx, made) => {
          const result = await tx.query(
            `UPDATE training_runs SET model_version_id = $2, epochs_trained = $3, stopped_early = $4 WHERE id = $1 AND model_version_id IS NULL RETURNING id`,
            [run.id, made.id, info.epochs, info.stoppedEarly],
          );
          if (rows(result).length === 0) throw new AppError('CONFLICT', 'This training run already has its model version');
        },
      );
      this.log.info({ jobId: job.id, modelId: run.modelId, version: version.number, nodeId: job.nodeId }, 'trained model version made');
      // Side by side, each on its own connection; all before answering the agent, so the deployment
      // exists when the job succeeds (landed never throws).
      await Promise.all([
        this.blobs.deleteUnreferenced([infoFile.sha256]),
        // The model is made: nobody will resume from the checkpoints any more.
        this.prune(run.id, 0).catch((error: unknown) => this.log.warn({ err: error, runId: run.id }, 'could not delete the checkpoints of a finished run')),
        this.trained?.landed(run.id),
      ]);
      lap('version');
      return { modelVersionId: version.id, versionNumber: version.number, epochs: info.epochs, stoppedEarly: info.stoppedEarly };
    } catch (error) {
      await this.blobs.deleteUnreferenced(created);
      throw error;
    }
  }

  /**
   * A tuning trial's model is kept as a candidate, not made a version: the tuning makes the version
   * from the best trial's files when every trial is done (training-tuner.ts). The answer names the
   * trial where a version would be named (modelVersionId: the trial's run id, versionNumber: its
   * trial number), which is what the scheduler's result check expects for a trial.
   */
  private async keepTrialModel(
    run: TrainingRun,
    files: ReadonlyMap<string, PutResult>,
    signature: TrialArtifact['signature'],
    metrics: Record<string, number>,
    info: TrainedModelInfo,
  ): Promise<FinishedModel> {
    const artifact: TrialArtifact = {
      files: Object.fromEntries([...files].map(([p, f]) => [p, { sha256: f.sha256, size: f.size }])),
      signature,
      metrics,
      epochs: info.epochs,
      stoppedEarly: info.stoppedEarly,
    };
    const result = await this.db.query(
      `UPDATE training_runs SET trial_artifact = $2, epochs_trained = $3, stopped_early = $4 WHERE id = $1 AND trial_artifact IS NULL RETURNING id`,
      [run.id, JSON.stringify(artifact), info.epochs, info.stoppedEarly],
    );
    if (rows(result).length === 0) throw new AppError('CONFLICT', 'This trial already has its trained model');
    await this.prune(run.id, 0).catch((error: unknown) => this.log.warn({ err: error, runId: run.id }, 'could not delete the checkpoints of a finished trial'));
    this.log.info({ jobId: run.jobId, tuningId: run.tuningId, trial: run.trialNumber }, 'tuning trial model kept');
    return trialFinished({ ...run, trialArtifact: artifact })!;
  }

  private async readJson(file: PutResult, maxBytes: number, field: string): Promise<unknown> {
    if (file.size > maxBytes) throw badInput(field, `is larger than ${maxBytes} bytes`);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.store.get(file.sha256)) chunks.push(chunk as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw badInput(field, 'is not valid JSON');
    }
  }
}

/** A trial's answer to "is the model in?": its kept model, named by the trial (see keepTrialModel). */
function trialFinished(run: TrainingRun): FinishedModel | null {
  if (!run.trialArtifact) return null;
  return { modelVersionId: run.id, versionNumber: run.trialNumber ?? 1, epochs: run.trialArtifact.epochs, stoppedEarly: run.trialArtifact.stoppedEarly };
}

/** Parses an untrusted body, naming the first problem's path. */
function parse<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw badInput([field, ...issue.path].join('.'), issue.message);
}

/** The features an agent describes must be the run's columns, in order, with their types. */
function sameColumns(features: { name: string; type: string }[], columns: FeatureColumn[], field: string): void {
  const got = features.map((f) => `${f.name}:${f.type}`).join(',');
  const want = columns.map((c) => `${c.name}:${c.type}`).join(',');
  if (got !== want) throw badInput(`${field}.features`, `must be the run's feature columns in order (${columns.map((c) => c.name).join(', ')})`);
}
