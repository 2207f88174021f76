/**
 * Continuous training's triggers and their view (docs/retraining.md). A model trained by SQL
 * keeps the CREATE MODEL statement its user last ran; `retrain` (in CREATE MODEL's OPTIONS, in
 * ALTER MODEL … SET OPTIONS, or through GraphQL) says when it is trained again: when a dataset its
 * query reads by an unpinned name gets a newer version, on a cron schedule, or both; owners may
 * pause and resume, and run one now. The runs themselves are retraining-runs.ts.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { hasScope, Scope, type Principal } from '../accounts/index.js';
import { allows } from '../access/index.js';
import type { CatalogServices, CatalogService, Model } from '../catalog/index.js';
import type { DatasetsService } from '../datasets/index.js';
import { paginate, type Page, type PageArgs } from '../db/paging.js';
import { rows } from '../db/rows.js';
import { AppError, badInput, forbidden } from '../errors.js';
import { createModelParts, cronProblem, SqlError, type PreparedStatement, type RetrainSetting, type SqlStatement } from '../sql/index.js';
import type { CreateModelEvent, StatementRows } from '../training/index.js';
import type { Clock } from './retraining-clock.js';
import type { CronSchedules } from './cron-schedule.js';
import type { PromotionPort } from './promotion-port.js';
import { RetrainingRun, RetrainingTrigger } from './retraining-run.entity.js';
import type { RetrainingRuns } from './retraining-runs.js';
import { RetrainingTriggers, type WatchedDataset } from './retraining-trigger.entity.js';

/** A model's retraining as its owners see it. */
export interface RetrainingView {
  modelId: string;
  onNewData: boolean;
  cron: string | null;
  paused: boolean;
  nextRunAt: Date | null;
  watched: WatchedDataset[];
}

const ALTER_MODEL_COLUMNS = [
  { name: 'model', type: 'text' },
  { name: 'retrain', type: 'text' },
  { name: 'paused', type: 'boolean' },
  { name: 'next_run_at', type: 'timestamp with time zone' },
];

export class RetrainingService {
  private promotion: PromotionPort | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly schedules: CronSchedules,
    private readonly catalog: CatalogService,
    private readonly modelSharing: CatalogServices['modelSharing'],
    private readonly datasets: DatasetsService,
    private readonly runs: RetrainingRuns,
  ) {}

  /** The promotion service (hub/src/promotion) the runs are judged by and SQL's promote_* options go to. */
  usePromotion(port: PromotionPort): void {
    this.promotion = port;
    this.runs.usePromotion(port);
  }

  /**
   * A user's CREATE MODEL was accepted: the statement retraining runs is now this one. With
   * `retrain` written, the triggers become what it says; without, they stay (a model without
   * triggers keeps none).
   */
  async onCreateModel(event: CreateModelEvent): Promise<void> {
    const statement = event.prepared.statement as Extract<SqlStatement, { kind: 'CREATE_MODEL' }>;
    const setting = statement.options.retrain;
    const existing = await this.db.getRepository(RetrainingTriggers).findOneBy({ modelId: event.modelId });
    if (!existing && (!setting || (!setting.onNewData && !setting.cron))) {
      if (statement.options.promotion) await this.promotionRule(event.principal, event.modelId, statement.options.promotion);
      return;
    }
    await this.save(event.modelId, event.principal.user.id, event.statement, setting ?? { onNewData: existing!.onNewData, cron: existing!.cron }, existing);
    if (statement.options.promotion) await this.promotionRule(event.principal, event.modelId, statement.options.promotion);
  }

  /** ALTER MODEL owner.name SET OPTIONS (retrain = …, promote_… = …): answers one row, the model's retraining now. */
  async alterModel(principal: Principal, prepared: PreparedStatement): Promise<StatementRows> {
    const statement = prepared.statement as Extract<SqlStatement, { kind: 'ALTER_MODEL' }>;
    const { owner, name, offset } = statement.model;
    const at = prepared.source.position(offset);
    const model = await this.writable(principal, owner, name);
    if (statement.options.retrain) {
      try {
        await this.setTriggersOf(principal, model, statement.options.retrain);
      } catch (error) {
        if (error instanceof AppError && !(error instanceof SqlError)) throw new SqlError(error.code, error.message, at);
        throw error;
      }
    }
    if (statement.options.promotion) await this.promotionRule(principal, model.id, statement.options.promotion);
    const view = await this.viewOf(model.id);
    const retrain = describe(view);
    return { columns: ALTER_MODEL_COLUMNS, rows: [[`${owner}.${name}`, retrain, view?.paused ?? false, view?.nextRunAt ?? null]], totalCount: 1 };
  }

  /** setRetrainingTriggers: on new data and/or a cron schedule; both off stops retraining. */
  async setTriggers(principal: Principal, owner: string, name: string, input: { onNewData: boolean; cron: string | null }): Promise<RetrainingView> {
    const model = await this.writable(principal, owner, name);
    const cron = input.cron?.trim() || null;
    if (cron) {
      const problem = cronProblem(cron);
      if (problem) throw badInput('cron', problem);
    }
    await this.setTriggersOf(principal, model, { onNewData: input.onNewData, cron });
    return (await this.viewOf(model.id))!;
  }

  async pause(principal: Principal, owner: string, name: string): Promise<RetrainingView> {
    const model = await this.writable(principal, owner, name);
    const updated = await this.db.query(`UPDATE retraining_triggers SET paused = true, updated_at = now() WHERE model_id = $1 RETURNING model_id`, [model.id]);
    if (rows(updated).length === 0) throw badInput('name', `model ${owner}/${name} has no retraining triggers to pause`);
    return (await this.viewOf(model.id))!;
  }

  /** Resumes; schedules that passed while paused are not run (the cron is considered from now). */
  async resume(principal: Principal, owner: string, name: string): Promise<RetrainingView> {
    const model = await this.writable(principal, owner, name);
    const updated = await this.db.query(`UPDATE retraining_triggers SET paused = false, cron_checked_at = $2, updated_at = now() WHERE model_id = $1 RETURNING model_id`, [
      model.id,
      this.clock.now(),
    ]);
    if (rows(updated).length === 0) throw badInput('name', `model ${owner}/${name} has no retraining triggers to resume`);
    return (await this.viewOf(model.id))!;
  }

  /** runRetrainingNow: CONFLICT while a run of the model is active. Paused or not, with triggers or not. */
  async runNow(principal: Principal, owner: string, name: string): Promise<RetrainingRun> {
    const model = await this.writable(principal, owner, name);
    const triggers = await this.db.getRepository(RetrainingTriggers).findOneBy({ modelId: model.id });
    // A model trained by SQL without triggers: its statement is kept from now on.
    if (!triggers) await this.save(model.id, principal.user.id, await this.lastStatement(model), { onNewData: false, cron: null }, null);
    const run = await this.runs.claim(model.id, RetrainingTrigger.MANUAL, { requestedBy: principal.user.id, detail: `run by ${principal.user.username}` });
    if (!run) throw new AppError('CONFLICT', `a retraining of ${owner}/${name} is already running: wait for it to end`);
    return run;
  }

  /** Model.retraining: null to a viewer who may not write the model, and for a model not trained by SQL. */
  async forViewer(principal: Principal | null, model: Model): Promise<RetrainingView | null> {
    if (!principal || !hasScope(principal, Scope.MODELS_READ)) return null;
    if (!allows(await this.modelSharing.permission(principal, model), 'write')) return null;
    const view = await this.viewOf(model.id);
    if (view) return view;
    // Trained by SQL but never set to retrain: everything off, so owners can set it or run one now.
    const [trained] = await this.db.query(`SELECT 1 FROM training_runs WHERE model_id = $1 LIMIT 1`, [model.id]);
    return trained ? { modelId: model.id, onNewData: false, cron: null, paused: false, nextRunAt: null, watched: [] } : null;
  }

  /** The model's retraining runs, newest first. */
  runsOf(modelId: string, args: PageArgs): Promise<Page<RetrainingRun>> {
    const qb = this.db.getRepository(RetrainingRun).createQueryBuilder('r').where('r.model_id = :modelId', { modelId });
    return paginate(qb, args);
  }

  async viewOf(modelId: string): Promise<RetrainingView | null> {
    const t = await this.db.getRepository(RetrainingTriggers).findOneBy({ modelId });
    if (!t) return null;
    return { modelId, onNewData: t.onNewData, cron: t.cron, paused: t.paused, nextRunAt: this.nextRunAt(t), watched: t.watched };
  }

  /** When the cron schedule fires next by the retraining clock (a time past means due now); null without one or paused. */
  nextRunAt(t: Pick<RetrainingTriggers, 'cron' | 'paused' | 'cronCheckedAt' | 'createdAt'>): Date | null {
    if (!t.cron || t.paused) return null;
    return this.schedules.nextAfter(t.cron, new Date(t.cronCheckedAt ?? t.createdAt));
  }

  private async setTriggersOf(principal: Principal, model: Model, setting: RetrainSetting): Promise<void> {
    const existing = await this.db.getRepository(RetrainingTriggers).findOneBy({ modelId: model.id });
    const statement = existing?.statement ?? (await this.lastStatement(model));
    await this.save(model.id, principal.user.id, statement, setting, existing);
  }

  /** Writes the triggers with the statement (and the datasets it watches, from that statement). */
  private async save(modelId: string, actorId: string, statement: string, setting: RetrainSetting, existing: RetrainingTriggers | null): Promise<void> {
    const watched = await this.watchedBy(modelId, statement, existing);
    const cronChanged = setting.cron !== (existing?.cron ?? null);
    await this.db.transaction(async (tx: EntityManager) => {
      await tx.query(
        `INSERT INTO retraining_triggers (model_id, on_new_data, cron, statement, actor_id, watched, cron_checked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (model_id) DO UPDATE SET on_new_data = $2, cron = $3, statement = $4, actor_id = $5, watched = $6,
           cron_checked_at = CASE WHEN $8 THEN $7 ELSE retraining_triggers.cron_checked_at END, updated_at = now()`,
        [modelId, setting.onNewData, setting.cron, statement, actorId, JSON.stringify(watched), this.clock.now(), cronChanged],
      );
    });
  }

  /**
   * The datasets the statement reads by unpinned names, each with the newest version already
   * trained on: what the model's newest training read (or an earlier watch saw), else the newest now.
   */
  private async watchedBy(modelId: string, statement: string, existing: RetrainingTriggers | null): Promise<WatchedDataset[]> {
    const unpinned = createModelParts(statement).datasets.filter((d) => d.pinned === null);
    if (unpinned.length === 0) return [];
    const [latestRun] = await this.db.query(`SELECT datasets FROM training_runs WHERE model_id = $1 ORDER BY created_at DESC LIMIT 1`, [modelId]);
    const trained = (latestRun?.datasets ?? []) as { datasetId: string; version: number }[];
    const out: WatchedDataset[] = [];
    for (const d of unpinned) {
      let dataset;
      try {
        dataset = await this.datasets.byOwnerAndName(d.owner, d.name);
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') continue;
        throw error;
      }
      const seenBefore = existing?.watched.find((w) => w.datasetId === dataset.id)?.seen ?? 0;
      const trainedOn = Math.max(0, ...trained.filter((t) => t.datasetId === dataset.id).map((t) => Number(t.version)));
      let seen = Math.max(seenBefore, trainedOn);
      if (seen === 0) {
        const [latest] = await this.db.query(`SELECT coalesce(max(number), 0) AS n FROM dataset_versions WHERE dataset_id = $1 AND status = 'ready'`, [dataset.id]);
        seen = Number(latest.n);
      }
      out.push({ datasetId: dataset.id, owner: d.owner, name: d.name, seen });
    }
    return out;
  }

  /** The newest CREATE MODEL statement a user ran for the model (not one a retraining ran). */
  private async lastStatement(model: Model): Promise<string> {
    const [row] = await this.db.query(
      `SELECT t.statement FROM training_runs t
        WHERE t.model_id = $1 AND NOT EXISTS (SELECT 1 FROM retraining_runs r WHERE r.job_id = t.job_id)
        ORDER BY t.created_at DESC LIMIT 1`,
      [model.id],
    );
    if (!row) throw badInput('name', `model ${model.name} was not trained by SQL (CREATE MODEL … AS SELECT): only such models retrain`);
    return row.statement as string;
  }

  private async writable(principal: Principal, owner: string, name: string): Promise<Model> {
    if (!hasScope(principal, Scope.MODELS_WRITE)) throw forbidden('This API key lacks the models:write scope');
    return this.catalog.get(principal, owner, name, 'write');
  }

  private async promotionRule(principal: Principal, modelId: string, rule: { metric?: string; minImprovement?: number; tolerance?: number }): Promise<void> {
    if (this.promotion) await this.promotion.setRuleFromSql(principal, modelId, rule);
  }
}

/** The retrain option's value that gives this view ('off' without triggers). */
export function describe(view: RetrainingView | null): string {
  if (!view || (!view.onNewData && !view.cron)) return 'off';
  return [view.onNewData ? 'on_new_data' : null, view.cron ? `cron:${view.cron}` : null].filter(Boolean).join(',');
}
