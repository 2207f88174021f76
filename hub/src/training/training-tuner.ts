/**
 * Hyperparameter tuning (CREATE MODEL with num_trials > 1): the trials' lifecycle on the hub.
 *
 * Every trial is a training run with its own `train` job (so the scheduler spreads trials over
 * agents like any jobs, and each trial resumes from its checkpoints like any training). All trials
 * and their drawn hyperparameters are written when the tuning is made; a trial's job is queued
 * only when a slot is free: at most max_parallel_trials of a tuning are queued or running at once.
 *
 * Why "submit as trials finish" and not "submit all behind a per-run gate": the scheduler has no
 * notion of a group of jobs, and a gate inside the scheduler would hold leases for jobs that may
 * not run. Here the queue only ever holds jobs that may run now, and the scheduler stays unaware of
 * tuning. {@link advance} is idempotent — it reads the trials' job statuses, queues pending trials
 * into free slots, and finishes the tuning when none is left — so it can be called from anywhere:
 * on each trial job's JOB_UPDATED event (prompt), and from a sweep every few seconds over the
 * running tunings (which also picks tunings up again after a hub restart, when the event
 * subscriptions are gone). Calls for one tuning are serialised in this process (one hub per
 * database, as the event bus assumes); no transaction is held while a job is queued (PGlite has
 * one connection).
 *
 * Finishing: the best trial is the succeeded one with the lowest objective on the evaluation split
 * (classifiers: log_loss, regressors: mean_squared_error — both "lower is better", and log loss,
 * unlike accuracy, rewards calibrated probabilities and does not tie on small data). Its kept
 * model becomes the model version (lineage: its hyperparameters, job and node, and the tuning);
 * the other trials' models and every trial's checkpoints are deleted, their scores kept. A failed
 * trial does not fail the tuning unless every trial failed. Canceling any trial's job cancels the
 * tuning: the other trials' jobs are canceled and pending ones never start.
 */
import type { DataSource } from 'typeorm';
import type { Principal } from '../accounts/index.js';
import type { BlobSweeper, PutResult } from '../artifacts/index.js';
import type { CatalogService, StoredLineage } from '../catalog/index.js';
import type { JobsService } from '../compute/index.js';
import { User } from '../accounts/index.js';
import { rows } from '../db/rows.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { EventBus } from '../pubsub.js';
import { TrainingRun } from './training-run.entity.js';
import type { TrainedVersions } from './trained-versions.js';
import { TrainingTuning } from './training-tuning.entity.js';

/** How often running tunings are looked at besides their job events (a safety net, not the pace). */
const SWEEP_MS = 3000;
const ACTIVE = new Set(['queued', 'leased', 'running']);
/** A trial claimed for submission this long ago without a job was left by a hub that stopped: it is pending again. */
const IN_FLIGHT_SECONDS = 60;
/** A finish claimed this long ago and not completed was left by a hub that stopped: it is done again. */
const FINISH_STALE_SECONDS = 300;


class AlreadyFinished extends Error {}

export interface TrialRow {
  runId: string;
  jobId: string;
  number: number;
  submitted: boolean;
  /** The job's status; 'pending' while the trial waits for a slot. */
  status: string;
  error: string | null;
  score: number | null;
  metrics: Record<string, number> | null;
  hasFiles: boolean;
}

export class TrainingTuner {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly watched = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly db: DataSource,
    private readonly catalog: CatalogService,
    private readonly jobs: JobsService,
    private readonly blobs: BlobSweeper,
    private readonly events: EventBus,
    private readonly log: Logger,
    /** Told once the best trial's version is made (serving deploys it when the statement asked). */
    private readonly trained?: Pick<TrainedVersions, 'landed'>,
  ) {}

  /** Starts the sweep (server.ts); it looks at running tunings at once, so a restart goes on where it stopped. */
  start(): void {
    if (this.timer || this.closed) return;
    const sweep = () => void this.sweep().catch((error: unknown) => this.log.warn({ err: error }, 'tuning sweep failed'));
    this.timer = setInterval(sweep, SWEEP_MS);
    this.timer.unref();
    sweep();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.chains.values()]);
  }

  private async sweep(): Promise<void> {
    const running: { id: string }[] = await this.db.query(`SELECT id FROM training_tunings WHERE status IN ('running', 'finishing') ORDER BY created_at`);
    for (const { id } of running) await this.advance(id);
  }

  /** Looks at a tuning again: queues trials into free slots, or finishes it. Serialised per tuning; never throws. */
  advance(tuningId: string): Promise<void> {
    const previous = this.chains.get(tuningId) ?? Promise.resolve();
    const next = previous
      .then(() => (this.closed ? undefined : this.step(tuningId)))
      .catch((error: unknown) => this.log.warn({ err: error, tuningId }, 'could not advance a tuning'));
    this.chains.set(tuningId, next);
    void next.then(() => {
      if (this.chains.get(tuningId) === next) this.chains.delete(tuningId);
    });
    return next;
  }

  /** The trials of a tuning, in order, with their job's status and score. */
  async trials(tuningId: string, manager: Pick<DataSource, 'query'> = this.db): Promise<TrialRow[]> {
    const found: {
      id: string;
      job_id: string;
      trial_number: number;
      trial_submitted: boolean;
      in_flight: boolean;
      status: string | null;
      error: string | null;
      artifact: { metrics?: Record<string, number>; files?: unknown } | null;
      objective: string;
    }[] = await manager.query(
      `SELECT r.id, r.job_id, r.trial_number, r.trial_submitted, coalesce(r.trial_submitted_at > now() - interval '${IN_FLIGHT_SECONDS} seconds', false) AS in_flight,
              j.status, j.error, r.trial_artifact AS artifact, t.objective
       FROM training_runs r JOIN training_tunings t ON t.id = r.tuning_id LEFT JOIN jobs j ON j.id = r.job_id
       WHERE r.tuning_id = $1 ORDER BY r.trial_number`,
      [tuningId],
    );
    return found.map((r) => {
      const metrics = r.artifact?.metrics ?? null;
      const score = metrics && Number.isFinite(metrics[r.objective]) ? metrics[r.objective] : null;
      // Claimed for submission but without a job yet: being queued (by this hub or another), or,
      // once that has taken too long, left by a hub that stopped in between: pending again.
      const queuing = r.trial_submitted && r.status === null && r.in_flight;
      const submitted = r.trial_submitted && (r.status !== null || queuing);
      return {
        runId: r.id,
        jobId: r.job_id,
        number: r.trial_number,
        submitted,
        status: queuing ? 'queued' : submitted ? r.status! : 'pending',
        error: r.error,
        score,
        metrics,
        hasFiles: !!r.artifact?.files,
      };
    });
  }

  private async step(tuningId: string): Promise<void> {
    const tuning = await this.db.getRepository(TrainingTuning).findOneBy({ id: tuningId });
    if (!tuning) return;
    if (tuning.status === 'finishing') {
      // Another hub (or this one, before a restart) claimed the finish and never completed it.
      const [stale] = await this.db.query(
        `UPDATE training_tunings SET finished_at = now() WHERE id = $1 AND status = 'finishing' AND finished_at < now() - interval '${FINISH_STALE_SECONDS} seconds' RETURNING id`,
        [tuningId],
      ).then(rows<{ id: string }>);
      if (stale) await this.finish(tuning, await this.trials(tuningId));
      return;
    }
    if (tuning.status !== 'running') return;
    const trials = await this.trials(tuningId);

    const canceled = trials.find((t) => t.submitted && t.status === 'canceled');
    if (canceled) return this.cancel(tuning, trials, canceled);

    for (const trial of await this.claimSlots(tuning)) await this.submit(tuning, trial);
    const now = await this.trials(tuningId);
    for (const trial of now) if (trial.submitted && ACTIVE.has(trial.status)) this.watch(tuningId, trial.jobId);
    if (now.every((t) => t.submitted && !ACTIVE.has(t.status))) {
      // Only one caller (of any hub) finishes: the one that moves it from running to finishing.
      const [claimed] = await this.db.query(`UPDATE training_tunings SET status = 'finishing', finished_at = now() WHERE id = $1 AND status = 'running' RETURNING id`, [tuningId]).then(rows<{ id: string }>);
      if (claimed) await this.finish(tuning, now);
    }
  }

  /**
   * Marks the pending trials that fit in the free slots as submitted, under the tuning's row lock,
   * so that two hubs advancing one tuning never queue more than max_parallel_trials between them.
   * (Only the tuning's own rows are read and written inside; the jobs are queued after it.)
   */
  private claimSlots(tuning: TrainingTuning): Promise<TrialRow[]> {
    return this.db.transaction(async (tx) => {
      const [locked] = await tx.query(`SELECT status FROM training_tunings WHERE id = $1 FOR UPDATE`, [tuning.id]);
      if (locked?.status !== 'running') return [];
      const trials = await this.trials(tuning.id, tx);
      const active = trials.filter((t) => t.submitted && ACTIVE.has(t.status)).length;
      const chosen = trials.filter((t) => !t.submitted).slice(0, Math.max(0, tuning.maxParallelTrials - active));
      if (chosen.length > 0) {
        await tx.query(`UPDATE training_runs SET trial_submitted = true, trial_submitted_at = now() WHERE id = ANY($1::uuid[])`, [chosen.map((t) => t.runId)]);
      }
      return chosen;
    });
  }

  /** Queues a claimed trial's job (its run exists already, so the agent finds it). */
  private async submit(tuning: TrainingTuning, trial: TrialRow): Promise<void> {
    const [run] = await this.db.query(`SELECT hyperparameters FROM training_runs WHERE id = $1`, [trial.runId]);
    const payload = { ...tuning.payload, hyperparameters: run.hyperparameters };
    try {
      // A tuning from before reads were recorded counts as its owner's private data: never less safe.
      const reads = tuning.reads ?? [{ ownerId: tuning.ownerId, public: false, what: 'the tuning’s training data' }];
      await this.jobs.enqueue({ id: trial.jobId, kind: 'train', payload, ownerId: tuning.ownerId, organizationId: tuning.organizationId, requirements: {}, maxAttempts: 3, reads });
    } catch (error) {
      await this.db.query(`UPDATE training_runs SET trial_submitted = false, trial_submitted_at = NULL WHERE id = $1`, [trial.runId]);
      throw error;
    }
    this.watch(tuning.id, trial.jobId);
  }

  /** Advances the tuning when the trial's job finishes (once per job, while it is active). */
  private watch(tuningId: string, jobId: string): void {
    if (this.watched.has(jobId) || this.closed) return;
    this.watched.add(jobId);
    const updates = this.events.subscribe('JOB_UPDATED', jobId);
    void (async () => {
      try {
        for await (const job of updates) {
          if (!ACTIVE.has(job.status)) {
            void this.advance(tuningId);
            break;
          }
          if (this.closed) break;
        }
      } finally {
        this.watched.delete(jobId);
        await updates.return?.(undefined);
      }
    })();
  }

  private async cancel(tuning: TrainingTuning, trials: TrialRow[], canceled: TrialRow): Promise<void> {
    const [flipped] = await this.db
      .query(`UPDATE training_tunings SET status = 'canceled', error = $2, finished_at = now() WHERE id = $1 AND status = 'running' RETURNING id`, [
        tuning.id,
        `trial ${canceled.number} was canceled, and with it the tuning`,
      ])
      .then(rows<{ id: string }>);
    if (!flipped) return;
    const owner = await this.db.getRepository(User).findOneBy({ id: tuning.ownerId });
    if (owner) {
      // The owner's own cancel, so the nodes running the other trials are told to stop.
      const principal: Principal = { user: owner, via: 'session', credentialId: `tuning:${tuning.id}`, scopes: 'all' };
      for (const t of trials) {
        if (t.submitted && ACTIVE.has(t.status)) await this.jobs.cancel(principal, t.jobId).catch(() => undefined);
      }
    }
    await this.discard(tuning.id);
    this.log.info({ tuningId: tuning.id }, 'tuning canceled');
  }

  private async finish(tuning: TrainingTuning, trials: TrialRow[]): Promise<void> {
    const candidates = trials.filter((t) => t.status === 'succeeded' && t.hasFiles);
    // Lowest objective first; a trial without a finite score ranks last; ties go to the earlier trial.
    candidates.sort((a, b) => (a.score ?? Infinity) - (b.score ?? Infinity) || a.number - b.number);
    const best = candidates[0];
    if (!best) {
      const firstError = trials.find((t) => t.error)?.error;
      await this.db.query(`UPDATE training_tunings SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = 'finishing'`, [
        tuning.id,
        `all ${trials.length} trials failed${firstError ? ` (trial ${trials.find((t) => t.error)!.number}: ${firstError})` : ''}`,
      ]);
      await this.discard(tuning.id);
      return;
    }
    const run = await this.db.getRepository(TrainingRun).findOneByOrFail({ id: best.runId });
    const artifact = run.trialArtifact!;
    const [job] = await this.db.query(`SELECT node_id FROM jobs WHERE id = $1`, [run.jobId]);
    const files = new Map<string, PutResult>(Object.entries(artifact.files).map(([p, f]) => [p, { sha256: f.sha256, size: f.size, created: false }]));
    const lineage: StoredLineage = {
      declared: false,
      datasetVersionId: run.datasets[0]?.versionId,
      datasetVersionIds: run.datasets.map((d) => d.versionId),
      trainingJobId: run.jobId,
      nodeId: job?.node_id ?? undefined,
      sql: run.statement,
      hyperparameters: { model_type: run.modelType, task: run.task, label: run.label.name, ...run.hyperparameters },
    };
    (lineage as Record<string, unknown>).tuning = { trial: best.number, numTrials: trials.length, objective: tuning.objective, score: best.score, search: tuning.search };
    let version: { number: number };
    try {
      version = await this.catalog.addVersion(
        run.modelId,
        files,
        { signature: artifact.signature, metrics: artifact.metrics, lineage: lineage as Record<string, unknown>, createdBy: run.ownerId },
        async (tx, made) => {
          await tx.query(`UPDATE training_runs SET model_version_id = $2, epochs_trained = $3, stopped_early = $4 WHERE id = $1`, [run.id, made.id, artifact.epochs, artifact.stoppedEarly]);
          const [done] = rows<{ id: string }>(
            await tx.query(`UPDATE training_tunings SET status = 'succeeded', best_run_id = $2, model_version_id = $3, finished_at = now() WHERE id = $1 AND status = 'finishing' RETURNING id`, [
              tuning.id,
              run.id,
              made.id,
            ]),
          );
          // Someone else finished it meanwhile (a finish taken over as stale): this version is not made.
          if (!done) throw new AlreadyFinished();
        },
      );
    } catch (error) {
      if (error instanceof AlreadyFinished) return;
      if (!(error instanceof AppError)) throw error; // transient (the database): the sweep tries again later
      // The kept model cannot become a version (its files are gone, the model was deleted…): say so, do not retry forever.
      await this.db.query(`UPDATE training_tunings SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = 'finishing'`, [
        tuning.id,
        `the best trial (${best.number}) could not become a version: ${error.message}`,
      ]);
      await this.discard(tuning.id);
      return;
    }
    await this.discard(tuning.id);
    this.log.info({ tuningId: tuning.id, trial: best.number, version: version.number }, 'tuning finished: best trial made the version');
    await this.trained?.landed(run.id);
  }

  /**
   * Forgets the trials' kept models and every trial's checkpoints, deleting their blobs unless
   * something else names them (the best trial's files are its version's now). The scores stay.
   */
  private async discard(tuningId: string): Promise<void> {
    const artifacts: { sha256: string }[] = await this.db.query(
      `SELECT f.value->>'sha256' AS sha256 FROM training_runs r, jsonb_each(r.trial_artifact->'files') AS f
       WHERE r.tuning_id = $1 AND r.trial_artifact ? 'files'`,
      [tuningId],
    );
    await this.db.query(`UPDATE training_runs SET trial_artifact = trial_artifact - 'files' WHERE tuning_id = $1 AND trial_artifact ? 'files'`, [tuningId]);
    const deleted = rows<{ state_sha256: string; weights_sha256: string }>(
      await this.db.query(
        `DELETE FROM training_checkpoints WHERE run_id IN (SELECT id FROM training_runs WHERE tuning_id = $1) RETURNING state_sha256, weights_sha256`,
        [tuningId],
      ),
    );
    const hashes = [...artifacts.map((a) => a.sha256), ...deleted.flatMap((c) => [c.state_sha256, c.weights_sha256])];
    if (hashes.length > 0) await this.blobs.deleteUnreferenced(hashes).catch((error: unknown) => this.log.warn({ err: error, tuningId }, 'could not delete the blobs of a tuning'));
  }
}
