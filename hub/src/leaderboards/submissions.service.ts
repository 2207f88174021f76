/**
 * Benchmark submissions and leaderboards (docs/benchmarks.md#submissions).
 *
 * submit: the submitter must be able to read the benchmark and the model version (NOT_FOUND
 * otherwise); the version must be a trained model whose features are the benchmark's feature
 * columns by name and type, of the benchmark's task (BAD_USER_INPUT naming what is wrong); the
 * benchmark must be open (the hub's clock, BenchmarksService.isOpen); a team (an organization the
 * submitter is in, team.ts) is checked against rules.teamSize; and the competitor (the submitter
 * alone, or the team) may make rules.submissionsPerDay submissions per UTC calendar day (FAILED
 * ones do not count; RATE_LIMITED with the seconds until the next UTC midnight). It then queues one evaluation run: a
 * `predict` job over the hidden features (MlService.enqueueBenchmarkRun), placed as residency
 * demands for the model and for the benchmark's data.
 *
 * A submission's scores are those of its accepted run: the run its verification accepted
 * (verification/evaluation-verifier.ts: a quorum of agreeing runs on independent nodes, or a
 * trusted node's run that passed the hub's spot check), scored by the hub.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Principal } from '../accounts/index.js';
import { hasScope, Scope, Visibility } from '../accounts/index.js';
import { METRICS, type Benchmark, type BenchmarkMetric, type BenchmarksService } from '../benchmarks/index.js';
import type { CatalogService, VersionRef } from '../catalog/index.js';
import { rows as resultRows, type Queryable } from '../db/rows.js';
import { AppError, badInput, forbidden } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MlRows, MlService } from '../ml/index.js';
import type { EventBus } from '../pubsub.js';
import { scoreBenchmarkRun, INTERVAL_CONFIDENCE, type RunScore } from './benchmark-run-score.js';
import { compatibilityProblems } from './feature-compatibility.js';
import { resolveTeam } from './team.js';
import { rankLeaderboard, type RankedSubmission } from './leaderboard-ranking.js';
import { BenchmarkSubmission, Leaderboard, SubmissionStatus, type CompatibleModelVersion, type MetricScore } from './submission.types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A run's scores, computed and not stored yet (SubmissionsService.prepareScore). */
export interface PreparedScore {
  jobId: string;
  submissionId: string;
  benchmark: Benchmark;
  score: RunScore;
  /** The board's signature before the score is stored. */
  boardBefore: string;
}
const SQL_POLL_MS = 100;

/** The row ML.EVALUATE(MODEL …, BENCHMARK …) answers. */
const SQL_COLUMNS = [
  { name: 'submission_id', type: 'uuid' },
  { name: 'status', type: 'text' },
  { name: 'benchmark', type: 'text' },
  { name: 'model', type: 'text' },
  { name: 'public_score', type: 'double precision' },
  { name: 'public_low', type: 'double precision' },
  { name: 'public_high', type: 'double precision' },
  { name: 'private_score', type: 'double precision' },
  { name: 'error', type: 'text' },
];

interface SubmissionRow {
  id: string;
  submitter_id: string;
  submitter: string;
  model_owner: string;
  model_name: string;
  model_version: number;
  status: SubmissionStatus;
  job_status: string | null;
  job_error: string | null;
  error: string | null;
  public_score: number | null;
  public_low: number | null;
  public_high: number | null;
  private_score: number | null;
  public_metrics: Record<string, number | null> | null;
  private_metrics: Record<string, number | null> | null;
  created_at: Date;
  scored_at: Date | null;
  team_id: string | null;
  team: string | null;
  automatic: boolean;
}

const SUBMISSION_SELECT = `
  SELECT s.id, s.submitter_id, u.username AS submitter, COALESCE(mu.username, mo.handle) AS model_owner, m.name AS model_name,
         s.model_version, s.status, s.error, s.public_score, s.public_low, s.public_high, s.private_score, s.public_metrics, s.private_metrics,
         s.created_at, s.scored_at, s.automatic, run.status AS job_status, run.error AS job_error, s.team_id, t.handle AS team
    FROM benchmark_submissions s
    LEFT JOIN organizations t ON t.id = s.team_id
    LEFT JOIN LATERAL (SELECT j.status, j.error FROM benchmark_runs r JOIN jobs j ON j.id = r.job_id WHERE r.submission_id = s.id ORDER BY r.created_at DESC LIMIT 1) run ON true
    JOIN users u ON u.id = s.submitter_id
    JOIN models m ON m.id = s.model_id
    LEFT JOIN users mu ON mu.id = m.owner_id
    LEFT JOIN organizations mo ON mo.id = m.owner_id`;

export class SubmissionsService {
  constructor(
    private readonly db: DataSource,
    private readonly benchmarks: BenchmarksService,
    private readonly catalog: CatalogService,
    private readonly ml: MlService,
    private readonly events: EventBus,
    private readonly log: Logger,
    /** The clock the daily limit counts days with (deadlines: BenchmarksService's clock). */
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Told after each scoring (the model standings follow the board). */
  private readonly scoredListeners: ((benchmark: Benchmark) => Promise<void>)[] = [];

  onScored(listener: (benchmark: Benchmark) => Promise<void>): void {
    this.scoredListeners.push(listener);
  }

  /**
   * submitToBenchmark. `team`: an organization the submitter submits for (team.ts); `automatic`:
   * made by a standing benchmark's entry, not by hand.
   */
  async submit(
    principal: Principal,
    ref: { owner: string; name: string },
    model: { owner: string; name: string; version: number | VersionRef | null },
    options: { team?: string | null; automatic?: boolean } = {},
  ): Promise<BenchmarkSubmission> {
    const benchmark = await this.benchmarks.get(principal, ref.owner, ref.name);
    if (!this.benchmarks.isOpen(benchmark)) throw badInput('benchmark', `${ref.owner}/${ref.name} closed at ${benchmark.deadline!.toISOString()}: it takes no more submissions`);
    const trained = await this.ml.trainedModel(principal, model.owner, model.name, model.version);
    const problems = compatibilityProblems(trained, { task: benchmark.task, label: benchmark.label, featureColumns: benchmark.featureColumns });
    if (problems.length > 0) throw badInput('model', `${model.owner}/${model.name}@${trained.version.number} cannot be evaluated on ${ref.owner}/${ref.name}: ${problems.join('; ')}`);
    const found = await this.catalog.get(principal, model.owner, model.name);
    const team = await resolveTeam(this.db, principal, benchmark, options.team);
    const competitor = team ? `team:${team.id}` : principal.user.id;

    const submissionId = await this.db.transaction(async (manager) => {
      // One competitor's (a submitter's or a team's) submissions to one benchmark are counted one at a time, across hubs.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`benchmark-submissions:${benchmark.id}:${competitor}`]);
      const now = this.now();
      const dayStart = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
      const [{ n }] = await manager.query(
        `SELECT count(*)::int AS n FROM benchmark_submissions s
          WHERE s.benchmark_id = $1 AND ${team ? 's.team_id = $2' : 's.submitter_id = $2 AND s.team_id IS NULL'} AND s.created_at >= $3 AND s.status <> 'FAILED'
            AND (s.status = 'SCORED' OR EXISTS (SELECT 1 FROM benchmark_runs r LEFT JOIN jobs j ON j.id = r.job_id
                                                  WHERE r.submission_id = s.id AND (j.status IS NULL OR j.status NOT IN ('failed', 'canceled'))))`,
        [benchmark.id, team?.id ?? principal.user.id, dayStart],
      );
      const limit = benchmark.rules.submissionsPerDay;
      if (n >= limit) {
        const retryAfter = Math.max(1, Math.ceil((dayStart.getTime() + DAY_MS - now.getTime()) / 1000));
        throw new AppError('RATE_LIMITED', `${team ? `the team ${team.handle} made` : 'you made'} ${n} of the ${limit} submissions ${ref.owner}/${ref.name} allows per UTC day: submit again after ${new Date(dayStart.getTime() + DAY_MS).toISOString()}`, [], retryAfter);
      }
      const [row] = await manager.query(
        `INSERT INTO benchmark_submissions (benchmark_id, submitter_id, model_id, model_version_id, model_version, created_at, team_id, automatic)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [benchmark.id, principal.user.id, found.id, trained.version.id, trained.version.number, now, team?.id ?? null, options.automatic === true],
      );
      return String(row.id);
    });

    const jobId = randomUUID();
    await this.db.query(`INSERT INTO benchmark_runs (job_id, submission_id, round) VALUES ($1, $2, 1)`, [jobId, submissionId]);
    const reads = [
      { ownerId: found.ownerId, public: found.visibility === Visibility.PUBLIC, what: `model ${model.owner}/${model.name}` },
      { ownerId: benchmark.ownerId, public: benchmark.visibility === Visibility.PUBLIC, what: `benchmark ${ref.owner}/${ref.name}` },
    ];
    try {
      await this.ml.enqueueBenchmarkRun({
        jobId,
        ownerId: principal.user.id,
        benchmark: { id: benchmark.id, label: benchmark.label, rowCount: benchmark.testRowCount },
        model: `${model.owner}.${model.name}@${trained.version.number}`,
        trained,
        // Residency: the model's weights and the benchmark's hidden rows, each under its owner's rule.
        reads,
        // Its replicas go to other owners' nodes; for private data, to other trusted nodes.
        quorum: { key: `${submissionId}/1`, by: reads.every((r) => r.public) ? 'owner' : 'node' },
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.db.query(`UPDATE benchmark_runs SET status = 'FAILED', error = $2, finished_at = now() WHERE job_id = $1`, [jobId, reason]);
      await this.db.query(`UPDATE benchmark_submissions SET status = 'FAILED', error = $2 WHERE id = $1`, [submissionId, reason]);
      throw error;
    }
    return (await this.read(principal, benchmark, `WHERE s.id = $1`, [submissionId]))[0];
  }

  /**
   * `SELECT * FROM ML.EVALUATE(MODEL owner.model[@v], BENCHMARK owner.benchmark)`: submits like
   * submitToBenchmark and answers one row once the submission is scored or failed, or after
   * `waitMs` with its status (read it again with Benchmark.mySubmissions). Scores as on the board:
   * the private score only once revealed.
   */
  async submitBySql(principal: Principal, model: { owner: string; name: string; version: VersionRef | null }, ref: { owner: string; name: string }, waitMs: number): Promise<MlRows> {
    // As submitToBenchmark: an API key needs jobs:write (runSql itself asks only datasets:read).
    if (!hasScope(principal, Scope.JOBS_WRITE)) throw forbidden('This API key lacks the jobs:write scope');
    const submitted = await this.submit(principal, ref, model);
    const benchmark = await this.benchmarks.get(principal, ref.owner, ref.name);
    const until = Date.now() + waitMs;
    let s = submitted;
    while ((s.status === SubmissionStatus.QUEUED || s.status === SubmissionStatus.RUNNING) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(SQL_POLL_MS, Math.max(1, until - Date.now()))));
      s = (await this.read(principal, benchmark, `WHERE s.id = $1`, [submitted.id]))[0];
    }
    return {
      columns: SQL_COLUMNS,
      rows: [[s.id, s.status, `${ref.owner}.${ref.name}`, `${s.model ?? `${model.owner}/${model.name}`}@${s.modelVersion}`, s.publicScore, s.publicInterval?.low ?? null, s.publicInterval?.high ?? null, s.privateScore, s.error]],
      totalCount: 1,
    };
  }

  /**
   * Benchmark.compatibleModelVersions: the viewer's own model versions (newest first, the 50 latest)
   * that submitToBenchmark would take, checked by the same rules (asTrained, compatibilityProblems).
   */
  async compatible(principal: Principal | null, benchmark: Benchmark): Promise<CompatibleModelVersion[]> {
    if (!principal) return [];
    const rows: { name: string; number: number }[] = await this.db.query(
      `SELECT m.name, v.number FROM model_versions v JOIN models m ON m.id = v.model_id
        WHERE m.owner_id = $1 AND v.signature ? 'features' AND v.files ? 'model.json' ORDER BY v.created_at DESC LIMIT 50`,
      [principal.user.id],
    );
    const out: CompatibleModelVersion[] = [];
    for (const row of rows) {
      try {
        const trained = await this.ml.trainedModel(principal, principal.user.username, row.name, row.number);
        if (compatibilityProblems(trained, { task: benchmark.task, label: benchmark.label, featureColumns: benchmark.featureColumns }).length === 0) {
          out.push({ owner: principal.user.username, name: row.name, version: row.number });
        }
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
      }
    }
    return out;
  }

  /** Benchmark.mySubmissions: the viewer's submissions and their teams' (organizations they belong to), newest first (none for a visitor). */
  async mine(principal: Principal | null, benchmark: Benchmark): Promise<BenchmarkSubmission[]> {
    if (!principal) return [];
    return this.read(
      principal,
      benchmark,
      `WHERE s.benchmark_id = $1 AND (s.submitter_id = $2 OR s.team_id IN (SELECT organization_id FROM memberships WHERE user_id = $2)) ORDER BY s.created_at DESC, s.id`,
      [benchmark.id, principal.user.id],
    );
  }

  /** Benchmark.leaderboard. */
  async leaderboard(principal: Principal | null, benchmark: Benchmark): Promise<Leaderboard> {
    const final = !this.benchmarks.isOpen(benchmark);
    const rows = await this.rows(`WHERE s.benchmark_id = $1`, [benchmark.id]);
    const ranked = rankLeaderboard(rows.map(asRanked), { higherIsBetter: METRICS[benchmark.metric].higherIsBetter, final });
    const reveal = final || (await this.benchmarks.permission(principal, benchmark)) === 'admin';
    const entries = [];
    for (const e of ranked) {
      entries.push({
        rank: e.rank,
        publicRank: e.publicRank,
        submission: await this.present(principal, benchmark, e.best.row, reveal),
        submitter: e.best.row.team ?? e.best.row.submitter,
        submissions: e.submissions,
        lastSubmittedAt: e.lastSubmittedAt,
      });
    }
    return { final, entries };
  }

  /** The accepted board of a benchmark, as a comparable text (what the live update compares). */
  private async boardSignature(benchmark: Benchmark): Promise<string> {
    const rows = await this.rows(`WHERE s.benchmark_id = $1 AND s.status = 'SCORED'`, [benchmark.id]);
    const ranked = rankLeaderboard(rows.map(asRanked), { higherIsBetter: METRICS[benchmark.metric].higherIsBetter, final: !this.benchmarks.isOpen(benchmark) });
    return JSON.stringify(ranked.map((e) => [e.best.id, e.rank, e.publicRank]));
  }

  private async rows(where: string, params: unknown[]): Promise<SubmissionRow[]> {
    return this.db.query(`${SUBMISSION_SELECT} ${where}`, params);
  }

  private async read(principal: Principal, benchmark: Benchmark, where: string, params: unknown[]): Promise<BenchmarkSubmission[]> {
    const reveal = !this.benchmarks.isOpen(benchmark) || (await this.benchmarks.permission(principal, benchmark)) === 'admin';
    const rows = await this.rows(where, params);
    const out = [];
    for (const row of rows) out.push(await this.present(principal, benchmark, row, reveal));
    return out;
  }

  /** A row as the viewer may see it: private scores only when revealed; the model's name only if they may read it. */
  private async present(principal: Principal | null, benchmark: Benchmark, row: SubmissionRow, reveal: boolean): Promise<BenchmarkSubmission> {
    const order = [benchmark.metric, ...benchmark.secondaryMetrics.filter((m) => m !== benchmark.metric)];
    let model: string | null = `${row.model_owner}/${row.model_name}`;
    try {
      await this.catalog.get(principal, row.model_owner, row.model_name);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'NOT_FOUND')) throw error;
      model = null;
    }
    // Not scored yet: the run's job says whether a node holds it, or whether it ended without a
    // score (a lease that expired on its last attempt, a cancel: no failure hook runs for those).
    const ended = row.job_status === 'failed' || row.job_status === 'canceled';
    // A run that succeeded on a submission not scored yet waits for its verification: RUNNING.
    const status =
      row.status !== SubmissionStatus.QUEUED
        ? row.status
        : row.job_status === 'leased' || row.job_status === 'running' || row.job_status === 'succeeded'
          ? SubmissionStatus.RUNNING
          : ended
            ? SubmissionStatus.FAILED
            : row.status;
    const error = status === SubmissionStatus.FAILED && !row.error ? `the evaluation job ${row.job_status}${row.job_error ? `: ${row.job_error}` : ''}` : row.error;
    return {
      id: row.id,
      model,
      modelVersion: row.model_version,
      submitter: row.submitter,
      team: row.team,
      automatic: row.automatic,
      status,
      error,
      publicScore: row.public_score,
      publicInterval: row.public_low !== null && row.public_high !== null ? { low: row.public_low, high: row.public_high, confidence: INTERVAL_CONFIDENCE } : null,
      publicMetrics: metricList(row.public_metrics, order),
      privateScore: reveal ? row.private_score : null,
      privateMetrics: reveal && row.private_metrics ? metricList(row.private_metrics, order) : null,
      createdAt: row.created_at,
      scoredAt: row.scored_at,
    };
  }

  /**
   * The scores of a run's attempt, computed by the hub before the run is accepted
   * (evaluation-verifier.ts stores them with its decision, in one transaction), with the board as
   * it was (the live event fires when the ranking changed). A reason says why it cannot be scored.
   */
  async prepareScore(jobId: string, attempt: number): Promise<PreparedScore | string> {
    const [run] = await this.db.query(
      `SELECT r.submission_id, s.benchmark_id, j.labels FROM benchmark_runs r JOIN benchmark_submissions s ON s.id = r.submission_id
         JOIN ml_jobs j ON j.job_id = r.job_id WHERE r.job_id = $1`,
      [jobId],
    );
    if (!run) return 'the run has no submission';
    const benchmark = await this.benchmarks.byId(run.benchmark_id);
    if (!benchmark) return 'the benchmark was deleted';
    try {
      const score = await scoreBenchmarkRun(
        {
          outputs: (after, limit) => this.ml.benchmarkOutputs(jobId, attempt, after, limit),
          labels: (after, limit) => this.benchmarks.hiddenLabels(benchmark.id, after, limit),
        },
        benchmark,
        run.labels,
      );
      return { jobId, submissionId: run.submission_id, benchmark, score, boardBefore: await this.boardSignature(benchmark) };
    } catch (error) {
      return `the hub could not score the outputs: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** Stores a prepared score with `tx` (the verifier's decision): its run is the accepted one, its submission SCORED. */
  async recordScore(tx: Queryable, prepared: PreparedScore): Promise<void> {
    const { score } = prepared;
    await tx.query(`UPDATE benchmark_runs SET status = 'SCORED', accepted = true, finished_at = now() WHERE job_id = $1`, [prepared.jobId]);
    await tx.query(
      `UPDATE benchmark_submissions SET status = 'SCORED', error = NULL, public_score = $2, public_low = $3, public_high = $4, private_score = $5,
              public_metrics = $6, private_metrics = $7, scored_at = now() WHERE id = $1`,
      [prepared.submissionId, score.public.score, score.public.low, score.public.high, score.private.score, JSON.stringify(score.public.metrics), JSON.stringify(score.private.metrics)],
    );
  }

  /** After a recorded score committed: the board's live event when the ranking changed, and the scoring listeners. */
  async announceScored(prepared: PreparedScore): Promise<void> {
    const { benchmark } = prepared;
    if ((await this.boardSignature(benchmark)) !== prepared.boardBefore) {
      this.events.publish('LEADERBOARD_CHANGED', benchmark.id, { benchmarkId: benchmark.id, submissionId: prepared.submissionId });
    }
    await this.tellScored(benchmark);
  }

  /** Runs the scoring listeners; one that fails is logged (the scoring stands). */
  private async tellScored(benchmark: Benchmark): Promise<void> {
    for (const listener of this.scoredListeners) {
      try {
        await listener(benchmark);
      } catch (error) {
        this.log.warn({ err: error, benchmarkId: benchmark.id }, 'a listener of benchmark scoring failed');
      }
    }
  }

  /** A submission whose verification gave up: FAILED with the reason (unless scored meanwhile), with `q` (the verifier's decision). */
  async failSubmission(submissionId: string, reason: string, q: Queryable = this.db): Promise<void> {
    await q.query(`UPDATE benchmark_submissions SET status = 'FAILED', error = $2 WHERE id = $1 AND status <> 'SCORED'`, [submissionId, `the evaluation failed: ${reason}`]);
    this.log.info({ submissionId, reason }, 'a benchmark submission failed its verification');
  }

  /** A scored submission left the board (its evaluation is re-run): the board's live event, and the standings follow. */
  async withdrawn(benchmarkId: string, submissionId: string): Promise<void> {
    this.events.publish('LEADERBOARD_CHANGED', benchmarkId, { benchmarkId, submissionId });
    const benchmark = await this.benchmarks.byId(benchmarkId);
    if (benchmark) await this.tellScored(benchmark);
  }

  /** MlService's BenchmarkRunHooks.failed: the run's job failed for good; a submission with no accepted run fails with its reason. */
  async runFailed(jobId: string, reason: string): Promise<void> {
    const [run] = resultRows<{ submission_id: string }>(
      await this.db.query(`UPDATE benchmark_runs SET status = 'FAILED', error = $2, finished_at = now() WHERE job_id = $1 RETURNING submission_id`, [jobId, reason]),
    );
    const submissionId = run?.submission_id;
    if (!submissionId) return;
    await this.db.query(`UPDATE benchmark_submissions SET status = 'FAILED', error = $2 WHERE id = $1 AND status <> 'SCORED'`, [submissionId, `the evaluation failed: ${reason}`]);
    this.log.info({ jobId, submissionId }, 'a benchmark submission failed');
  }
}

function asRanked(row: SubmissionRow): RankedSubmission & { row: SubmissionRow } {
  return {
    id: row.id,
    // A team competes as one: its members' submissions share its entry.
    submitterId: row.team_id ?? row.submitter_id,
    scored: row.status === SubmissionStatus.SCORED,
    publicScore: row.public_score,
    privateScore: row.private_score,
    createdAt: new Date(row.created_at),
    row,
  };
}

/** The stored metrics in the benchmark's order (its metric, then the secondary ones). */
function metricList(metrics: Record<string, number | null> | null, order: readonly BenchmarkMetric[]): MetricScore[] {
  const stored = metrics ?? {};
  return order.filter((m) => m in stored).map((metric) => ({ metric, value: stored[metric] }));
}
