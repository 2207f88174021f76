/**
 * A retraining run from its claim to its end (docs/retraining.md#a-run):
 *
 *   QUEUED    claimed: inserted unless the model has an active run (retraining_runs_one_active,
 *             a partial unique index, so two triggers or two hubs never start two)
 *   TRAINING  the statement re-resolved to the newest dataset versions, the holdout set aside,
 *             and a `train` job queued by the same path CREATE MODEL takes (a new draft version)
 *   JUDGING   the version landed; the promotion service compares it with the champion
 *   PROMOTED / KEPT   its decision;  TRAINED  when no promotion service is wired (the version stays a draft)
 *   FAILED    the statement no longer runs (access, a dataset gone), the job or the judging failed
 *
 * Every step is a guarded UPDATE on the run's state, so a step runs once whichever hub gets there
 * first; the ticker (retraining-ticker.ts) moves runs a restart or a crash left behind.
 */
import type { DataSource } from 'typeorm';
import { User, type Principal } from '../accounts/index.js';
import { rows, type Queryable } from '../db/rows.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createModelParts, pinnedSelect, type ResolvedDataset, type SqlService, type SqlStatement } from '../sql/index.js';
import type { TrainingService } from '../training/index.js';
import { holdoutQueries } from './holdout-sql.js';
import type { PromotionPort } from './promotion-port.js';
import { RetrainingRun, RetrainingRunState, type RetrainingTrigger } from './retraining-run.entity.js';

const ACTIVE_SQL = `('QUEUED', 'TRAINING', 'JUDGING')`;

/** A QUEUED run no hub has begun within this long (its hub stopped) is begun by another. */
const STALE_START = `interval '2 minutes'`;
/** A JUDGING run whose judge has not answered within this long (its hub stopped) is judged again. */
const STALE_JUDGING = `interval '15 minutes'`;

export interface RunStart {
  requestedBy?: string;
  detail?: string;
  scheduledFor?: Date;
}

export class RetrainingRuns {
  private promotion: PromotionPort | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly sql: SqlService,
    private readonly training: TrainingService,
    private readonly log: Logger,
  ) {}

  usePromotion(port: PromotionPort): void {
    this.promotion = port;
  }

  /** Inserts a QUEUED run in `q` (a transaction, or the database) unless the model has an active one (then null). */
  async insert(q: Queryable, modelId: string, trigger: RetrainingTrigger, start: RunStart = {}): Promise<RetrainingRun | null> {
    const [row] = rows<{ id: string }>(
      await q.query(
        `INSERT INTO retraining_runs (model_id, trigger, state, requested_by, detail, scheduled_for)
         VALUES ($1, $2, 'QUEUED', $3, $4, $5)
         ON CONFLICT (model_id) WHERE state IN ${ACTIVE_SQL} DO NOTHING RETURNING id`,
        [modelId, trigger, start.requestedBy ?? null, start.detail ?? null, start.scheduledFor ?? null],
      ),
    );
    if (!row) return null;
    return q === this.db ? this.db.getRepository(RetrainingRun).findOneByOrFail({ id: row.id }) : Object.assign(new RetrainingRun(), { id: row.id, modelId, trigger });
  }

  /** Inserts a run and begins it on this hub; null when the model has an active run. */
  async claim(modelId: string, trigger: RetrainingTrigger, start: RunStart = {}): Promise<RetrainingRun | null> {
    const run = await this.insert(this.db, modelId, trigger, start);
    if (run) this.begin(run.id);
    return run;
  }

  /** Begins a QUEUED run in the background; what goes wrong ends it FAILED. */
  begin(runId: string): void {
    void this.train(runId).catch(async (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!(error instanceof AppError)) this.log.warn({ err: error, runId }, 'a retraining could not start');
      await this.fail(runId, message);
    });
  }

  /** Moves TRAINING runs whose job ended: the version made goes to judging, a failed job fails the run. */
  async advance(): Promise<void> {
    const training: { id: string; job_status: string; job_error: string | null; tuning_status: string | null; number: number | null }[] = await this.db.query(
      `SELECT r.id, j.status AS job_status, j.error AS job_error, tu.status AS tuning_status, v.number
         FROM retraining_runs r
         JOIN training_runs t ON t.job_id = r.job_id
         JOIN jobs j ON j.id = r.job_id
         LEFT JOIN training_tunings tu ON tu.id = t.tuning_id
         LEFT JOIN model_versions v ON v.id = coalesce(tu.model_version_id, t.model_version_id)
        WHERE r.state = 'TRAINING'`,
    );
    for (const run of training) {
      if (run.number !== null) await this.trained(run.id, Number(run.number));
      else if (run.tuning_status ? ['failed', 'canceled'].includes(run.tuning_status) : ['failed', 'canceled'].includes(run.job_status)) {
        await this.fail(run.id, `training ${run.tuning_status ?? run.job_status}${run.job_error ? `: ${run.job_error}` : ''}`);
      }
    }
  }

  /** Begins runs a stopped hub claimed but never began, and judges again runs whose judging was lost. */
  async recover(): Promise<void> {
    const queued = rows<{ id: string }>(
      await this.db.query(
        `SELECT id FROM retraining_runs WHERE state = 'QUEUED'
           AND coalesce(started_at, created_at) < now() - ${STALE_START}`,
      ),
    );
    for (const run of queued) this.begin(run.id);
    if (!this.promotion) return;
    const judging = rows<RetrainingRunRow>(
      await this.db.query(
        `UPDATE retraining_runs SET judging_at = now() WHERE state = 'JUDGING' AND judging_at < now() - ${STALE_JUDGING} RETURNING id, model_id, challenger_version, holdout_sql, data_versions`,
      ),
    );
    for (const run of judging) void this.judge(run);
  }

  private async train(runId: string): Promise<void> {
    const [run] = rows<{ id: string; model_id: string; requested_by: string | null; trigger: string }>(
      await this.db.query(
        `UPDATE retraining_runs SET started_at = now() WHERE id = $1 AND state = 'QUEUED'
           AND (started_at IS NULL OR started_at < now() - ${STALE_START}) RETURNING id, model_id, requested_by, trigger`,
        [runId],
      ),
    );
    if (!run) return;
    const [trigger] = await this.db.query(
      `SELECT t.statement, t.actor_id, m.name AS model_name, coalesce(u.username, o.handle) AS model_owner
         FROM retraining_triggers t JOIN models m ON m.id = t.model_id
         LEFT JOIN users u ON u.id = m.owner_id LEFT JOIN organizations o ON o.id = m.owner_id
        WHERE t.model_id = $1`,
      [run.model_id],
    );
    if (!trigger) throw new AppError('NOT_FOUND', 'the model has no retraining statement');
    const user = await this.db.getRepository(User).findOneBy({ id: run.requested_by ?? trigger.actor_id });
    if (!user) throw new AppError('NOT_FOUND', 'the user the model retrains as no longer exists');
    const principal: Principal = { user, via: 'session', credentialId: `retraining:${run.id}`, scopes: 'all' };

    const statement = trigger.statement as string;
    const parts = createModelParts(statement);
    const model = `${quoteName(trigger.model_owner)}.${quoteName(trigger.model_name)}`;
    const createWith = (select: string) => `CREATE OR REPLACE MODEL ${model}${parts.options}${select}`;

    // The statement re-resolved: unpinned names read the newest versions now, and stay on them for the run.
    const current = await this.sql.prepare(principal, createWith(parts.select));
    const resolved = current.select!.datasets;
    const versionOf = (owner: string, name: string) => resolved.find((d) => sameName(d, owner, name))?.number ?? null;
    const newSelect = pinnedSelect(statement, versionOf) ?? parts.select;
    const dataVersions = [...new Set(resolved.map((d) => `${d.owner}/${d.name}@${d.number}`))];

    const { holdoutSql, holdoutRows, trainSelect, note } = await this.holdout(principal, run.model_id, newSelect, current);
    const prepared = await this.sql.prepare(principal, createWith(trainSelect));
    const create = prepared.statement as Extract<SqlStatement, { kind: 'CREATE_MODEL' }>;
    // Deploying is the promotion's to decide, and the triggers stay as they are.
    const quiet = { ...prepared, statement: { ...create, options: { ...create.options, deploy: null, retrain: null, promotion: null } } };
    const answer = await this.training.createModel(principal, quiet, { retraining: true });
    const jobId = answer.rows[0]?.[0] as string;
    const updated = rows(
      await this.db.query(
        `UPDATE retraining_runs SET state = 'TRAINING', job_id = $2, data_versions = $3, holdout_sql = $4, holdout_rows = $5,
           detail = CASE WHEN $6::text IS NULL THEN detail ELSE concat_ws('; ', detail, $6::text) END
         WHERE id = $1 AND state = 'QUEUED' RETURNING id`,
        [run.id, jobId, JSON.stringify(dataVersions), holdoutSql, holdoutRows, note],
      ),
    );
    if (updated.length === 0) return;
    this.log.info({ runId: run.id, modelId: run.model_id, jobId, dataVersions, holdoutRows }, 'retraining started');
    await this.event(run.model_id, 'RETRAINING_STARTED', { retrainingRunId: run.id, trigger: run.trigger, jobId, dataVersions });
  }

  /**
   * The holdout against the champion (the version the `production` alias points to), and what the
   * challenger trains on. No champion, no new rows, or a champion not trained by SQL: no holdout,
   * and the challenger trains on every row (with the reason in `note`).
   */
  private async holdout(
    principal: Principal,
    modelId: string,
    newSelect: string,
    current: Awaited<ReturnType<SqlService['prepare']>>,
  ): Promise<{ holdoutSql: string | null; holdoutRows: number | null; trainSelect: string; note: string | null }> {
    const none = (note: string | null) => ({ holdoutSql: null, holdoutRows: null, trainSelect: newSelect, note });
    const [champion] = await this.db.query(
      `SELECT v.number, t.statement FROM model_aliases a JOIN model_versions v ON v.id = a.version_id
         LEFT JOIN training_runs t ON t.model_version_id = v.id
        WHERE a.model_id = $1 AND a.alias = 'production' LIMIT 1`,
      [modelId],
    );
    if (!champion) return none(null);
    if (!champion.statement) return none(`no holdout: the champion (version ${champion.number}) was not trained by SQL`);
    const championRun = await this.db.query(`SELECT datasets FROM training_runs WHERE model_version_id = (SELECT version_id FROM model_aliases WHERE model_id = $1 AND alias = 'production')`, [modelId]);
    const trained = (championRun[0]?.datasets ?? []) as { owner: string; name: string; version: number }[];
    const championSelect = pinnedSelect(champion.statement, (owner, name) => trained.find((d) => sameName(d, owner, name))?.version ?? null);
    if (!championSelect) return none(`no holdout: the data version champion ${champion.number} read is not known`);
    try {
      const columns = (await this.sql.columnsOf(current.source, current.select!)).map((c) => c.name);
      const queries = holdoutQueries(newSelect, championSelect, columns);
      const holdout = await this.sql.prepare(principal, queries.holdout);
      const counted = await this.sql.runWrapped(holdout.select!, (sql) => `SELECT count(*)::int AS n FROM (${sql}) AS aimass_holdout`, { first: 1, maxRows: 1, source: holdout.source });
      const count = Number(counted.rows[0]?.[0] ?? 0);
      if (count === 0) return none(`no holdout: no rows are new since champion version ${champion.number}`);
      return { holdoutSql: queries.holdout, holdoutRows: count, trainSelect: queries.training, note: null };
    } catch (error) {
      this.log.warn({ err: error, modelId }, 'the holdout of a retraining could not be computed');
      return none(`no holdout: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The run's version landed: JUDGING (and judged), or TRAINED without a promotion service. */
  private async trained(runId: string, version: number): Promise<void> {
    const state = this.promotion ? RetrainingRunState.JUDGING : RetrainingRunState.TRAINED;
    const [run] = rows<RetrainingRunRow>(
      await this.db.query(
        `UPDATE retraining_runs SET state = $2, challenger_version = $3, trained_at = now(),
           judging_at = CASE WHEN $2 = 'JUDGING' THEN now() END, finished_at = CASE WHEN $2 = 'TRAINED' THEN now() END
         WHERE id = $1 AND state = 'TRAINING' RETURNING id, model_id, challenger_version, holdout_sql, data_versions`,
        [runId, state, version],
      ),
    );
    if (!run) return;
    this.log.info({ runId, version, state }, 'retraining trained its version');
    if (state === RetrainingRunState.JUDGING) void this.judge(run);
    else await this.event(run.model_id, 'RETRAINING_FINISHED', { retrainingRunId: runId, state, challengerVersion: version });
  }

  private async judge(run: RetrainingRunRow): Promise<void> {
    const port = this.promotion;
    if (!port) return;
    try {
      const outcome = await port.judge({
        modelId: run.model_id,
        challengerVersion: Number(run.challenger_version),
        holdoutSql: run.holdout_sql,
        dataVersions: run.data_versions,
        retrainingRunId: run.id,
      });
      const state = outcome.promoted ? RetrainingRunState.PROMOTED : RetrainingRunState.KEPT;
      const done = rows(
        await this.db.query(
          `UPDATE retraining_runs SET state = $2, comparison_id = $3, promoted = $4, reason = $5, scores = $6, finished_at = now()
           WHERE id = $1 AND state = 'JUDGING' RETURNING id`,
          [run.id, state, outcome.comparisonId, outcome.promoted, outcome.reason, JSON.stringify(outcome.scores)],
        ),
      );
      if (done.length > 0) await this.event(run.model_id, 'RETRAINING_FINISHED', { retrainingRunId: run.id, state, challengerVersion: run.challenger_version, reason: outcome.reason });
    } catch (error) {
      // No rows that neither version trained on (the data the champion read did not change): there
      // is nothing fair to compare on, so the version is kept as a draft for its owner to judge.
      if (error instanceof AppError && error.code === 'BAD_USER_INPUT' && error.fields.some((f) => f.field === 'holdoutSql')) {
        const reason = `kept as a draft: no new rows that neither version ${run.challenger_version} nor production trained on, so nothing to compare them on (compareVersions compares them on a holdout you choose)`;
        const done = rows(
          await this.db.query(`UPDATE retraining_runs SET state = 'KEPT', promoted = false, reason = $2, finished_at = now() WHERE id = $1 AND state = 'JUDGING' RETURNING id`, [run.id, reason]),
        );
        if (done.length > 0) await this.event(run.model_id, 'RETRAINING_FINISHED', { retrainingRunId: run.id, state: RetrainingRunState.KEPT, challengerVersion: run.challenger_version, reason });
        return;
      }
      this.log.warn({ err: error, runId: run.id }, 'judging a retrained version failed');
      await this.fail(run.id, `judging failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async fail(runId: string, message: string): Promise<void> {
    const [run] = rows<{ model_id: string }>(
      await this.db
        .query(`UPDATE retraining_runs SET state = 'FAILED', error = $2, finished_at = now() WHERE id = $1 AND state IN ${ACTIVE_SQL} RETURNING model_id`, [runId, message.slice(0, 2000)])
        .catch((error: unknown) => {
          this.log.warn({ err: error, runId }, 'could not record a failed retraining');
          return [];
        }),
    );
    if (run) await this.event(run.model_id, 'RETRAINING_FINISHED', { retrainingRunId: runId, state: RetrainingRunState.FAILED, error: message });
  }

  /** To the model's timeline, when the promotion service keeps one; never fails a run. */
  private async event(modelId: string, kind: string, detail: Record<string, unknown>): Promise<void> {
    if (!this.promotion) return;
    await this.promotion.recordModelEvent(modelId, kind, detail).catch((error: unknown) => this.log.warn({ err: error, modelId, kind }, 'could not record a retraining event'));
  }
}

interface RetrainingRunRow {
  id: string;
  model_id: string;
  challenger_version: number | null;
  holdout_sql: string | null;
  data_versions: string[];
}

function sameName(d: Pick<ResolvedDataset, 'owner' | 'name'>, owner: string, name: string): boolean {
  return d.owner.toLowerCase() === owner.toLowerCase() && d.name.toLowerCase() === name.toLowerCase();
}

/** A name part in PostgreSQL quotes (names.ts reads `"my-org"."weather.2024"`). */
function quoteName(part: string): string {
  return `"${part.replace(/"/g, '""')}"`;
}
